// The alert receiver lives with the replica (the demo shows alerts reaching it); tests import it from here too.
export * from '../../replica/webhook-receiver.ts'
