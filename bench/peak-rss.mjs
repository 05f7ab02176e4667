// Loaded with --import into a measured process: its peak resident memory, printed as it exits.
process.on('exit', () => process.stderr.write(`\npeak-rss-kb ${process.resourceUsage().maxRSS}\n`))
