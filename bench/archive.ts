/** The replica's generated archive listing: as many pages as the benchmark asks for. */
export const ARCHIVE_URL = 'http://www.eurocities.eu/eurocities/allcontent&sector=archive'
export const ARCHIVE_PATH = '/eurocities/allcontent&sector=archive'
