/// The three HTTP-date forms (RFC 9110 §5.6.7), parsed to Unix seconds without Foundation.
enum HTTPDate {
    private static let months = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]

    /// Unix seconds for `Sun, 06 Nov 1994 08:49:37 GMT` (IMF-fixdate), `Sunday, 06-Nov-94 08:49:37 GMT`
    /// (RFC 850) or `Sun Nov  6 08:49:37 1994` (asctime).
    static func parse(_ text: String) -> Int64? {
        let tokens = text.split(whereSeparator: { $0 == " " || $0 == "," || $0 == "\t" }).map(String.init)
        // IMF-fixdate: [weekday, day, month, year, time, GMT]
        if tokens.count == 6, tokens[5].uppercased() == "GMT", let day = Int(tokens[1]), let month = month(tokens[2]),
            let year = Int(tokens[3]), tokens[3].count == 4
        {
            return unixSeconds(year: year, month: month, day: day, time: tokens[4])
        }
        // RFC 850: [weekday, dd-Mon-yy, time, GMT]
        if tokens.count == 4, tokens[3].uppercased() == "GMT" {
            let parts = tokens[1].split(separator: "-").map(String.init)
            if parts.count == 3, let day = Int(parts[0]), let month = month(parts[1]), let shortYear = Int(parts[2]) {
                // RFC 9110: a two-digit year more than 50 years in the future is in the past century.
                let year = parts[2].count == 2 ? (shortYear < 70 ? 2000 + shortYear : 1900 + shortYear) : shortYear
                return unixSeconds(year: year, month: month, day: day, time: tokens[2])
            }
        }
        // asctime: [weekday, month, day, time, year]
        if tokens.count == 5, let month = month(tokens[1]), let day = Int(tokens[2]), let year = Int(tokens[4]) {
            return unixSeconds(year: year, month: month, day: day, time: tokens[3])
        }
        return nil
    }

    private static func month(_ name: String) -> Int? {
        months.firstIndex(of: name.lowercased()).map { $0 + 1 }
    }

    private static func unixSeconds(year: Int, month: Int, day: Int, time: String) -> Int64? {
        let clock = time.split(separator: ":").compactMap { Int($0) }
        guard clock.count == 3, (0..<24).contains(clock[0]), (0..<60).contains(clock[1]), (0...60).contains(clock[2]),
            (1...31).contains(day), (1...12).contains(month), (1900...9999).contains(year)
        else { return nil }
        let days = daysFromCivil(year: year, month: month, day: day)
        return Int64(days) * 86_400 + Int64(clock[0] * 3600 + clock[1] * 60 + clock[2])
    }

    /// Days since 1970-01-01 in the proleptic Gregorian calendar (Howard Hinnant's civil-date algorithm).
    static func daysFromCivil(year: Int, month: Int, day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yearOfEra = y - era * 400
        let shiftedMonth = month > 2 ? month - 3 : month + 9
        let dayOfYear = (153 * shiftedMonth + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }
}
