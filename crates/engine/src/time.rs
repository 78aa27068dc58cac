//! Times for people: Unix seconds as UTC ISO 8601 and as a distance from the analysis time.
//! Hand-written (Howard Hinnant's days-from-civil algorithm) because a date crate would add
//! weight to the wasm bundle for two small functions.

/// Formats Unix seconds as `YYYY-MM-DDTHH:MM:SSZ` (proleptic Gregorian, UTC).
pub fn format_utc(unix: i64) -> String {
    let days = unix.div_euclid(86_400);
    let secs = unix.rem_euclid(86_400);
    let (y, m, d) = civil_from_days(days);
    format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}Z",
        secs / 3600,
        (secs % 3600) / 60,
        secs % 60
    )
}

/// Parses `YYYY-MM-DDTHH:MM[:SS][Z]` (UTC) into Unix seconds; None if it is not that shape or
/// names a day that does not exist (2023-02-31, 2023-02-29, 2100-02-29): the text is typed by
/// people, and silently rolling an impossible date into the next month would move the analysis
/// time they meant. Years are limited to four digits, which also keeps the arithmetic far from
/// overflow.
pub fn parse_utc(text: &str) -> Option<i64> {
    let t = text.trim().trim_end_matches('Z');
    let (date, clock) = t
        .split_once('T')
        .or_else(|| t.split_once(' '))
        .unwrap_or((t, "00:00"));
    let mut d = date.split('-');
    let y: i64 = d.next()?.parse().ok()?;
    let m: u32 = d.next()?.parse().ok()?;
    let day: u32 = d.next()?.parse().ok()?;
    if d.next().is_some() || !(0..=9999).contains(&y) || !(1..=days_in_month(y, m)?).contains(&day)
    {
        return None;
    }
    let mut c = clock.split(':');
    let hh: i64 = c.next()?.parse().ok()?;
    let mm: i64 = c.next()?.parse().ok()?;
    let ss: i64 = match c.next() {
        Some(s) => s.split('.').next()?.parse().ok()?,
        None => 0,
    };
    if !(0..24).contains(&hh) || !(0..60).contains(&mm) || !(0..61).contains(&ss) {
        return None;
    }
    Some(days_from_civil(y, m, day) * 86_400 + hh * 3600 + mm * 60 + ss)
}

/// Describes `t` relative to `now`: "3 days before analysis time", "in 2 hours" style.
pub fn relative(t: i64, now: i64) -> String {
    let delta = t - now;
    if delta == 0 {
        return "at the analysis time".to_owned();
    }
    let abs = delta.unsigned_abs();
    let (n, unit) = match abs {
        0..60 => (abs, "second"),
        60..3600 => (abs / 60, "minute"),
        3600..86_400 => (abs / 3600, "hour"),
        86_400..2_592_000 => (abs / 86_400, "day"),
        2_592_000..31_536_000 => (abs / 2_592_000, "month"),
        _ => (abs / 31_536_000, "year"),
    };
    let plural = if n == 1 { "" } else { "s" };
    if delta < 0 {
        format!("{n} {unit}{plural} before the analysis time")
    } else {
        format!("{n} {unit}{plural} after the analysis time")
    }
}

/// The number of days in month `m` (1–12) of year `y` in the proleptic Gregorian calendar;
/// None for a month that does not exist.
fn days_in_month(y: i64, m: u32) -> Option<u32> {
    let leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    match m {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => Some(31),
        4 | 6 | 9 | 11 => Some(30),
        2 if leap => Some(29),
        2 => Some(28),
        _ => None,
    }
}

fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (if m <= 2 { y + 1 } else { y }, m, d)
}

fn days_from_civil(y: i64, m: u32, d: u32) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y.rem_euclid(400);
    let m = i64::from(m);
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + i64::from(d) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// Parses a log line's timestamp as `extract` records it into Unix seconds: ISO 8601 with a
/// `T` or a space, an optional fraction (`.123` or `,123`) and an optional `Z` or `±hh[:mm]`
/// offset (none means UTC), in `[…]` or not; or an access log's `10/Oct/2000:13:55:36 -0700`.
pub fn parse_log_time(text: &str) -> Option<i64> {
    let t = text
        .trim()
        .trim_start_matches('[')
        .trim_end_matches(']')
        .trim();
    if let Some(clf) = parse_clf(t) {
        return Some(clf);
    }
    let (body, offset) = split_offset(t)?;
    let body = body.replacen(',', ".", 1);
    parse_utc(&body).map(|v| v - offset)
}

/// The time without its zone, and the zone's offset east of UTC in seconds.
fn split_offset(t: &str) -> Option<(&str, i64)> {
    if let Some(body) = t.strip_suffix('Z') {
        return Some((body, 0));
    }
    // A zone starts at the last sign after the date's own dashes (position 10).
    let sign_at = t
        .char_indices()
        .skip(10)
        .filter(|(_, c)| *c == '+' || *c == '-')
        .map(|(i, _)| i)
        .last();
    let Some(at) = sign_at else {
        return Some((t, 0));
    };
    let zone = t.get(at + 1..)?.trim().replace(':', "");
    if zone.len() != 4 && zone.len() != 2 {
        return None;
    }
    let hh: i64 = zone.get(..2)?.parse().ok()?;
    let mm: i64 = if zone.len() == 4 {
        zone.get(2..)?.parse().ok()?
    } else {
        0
    };
    let sign = if t.get(at..at + 1) == Some("-") {
        -1
    } else {
        1
    };
    Some((t.get(..at)?.trim_end(), sign * (hh * 3600 + mm * 60)))
}

/// `dd/Mon/yyyy:hh:mm:ss ±hhmm`.
fn parse_clf(t: &str) -> Option<i64> {
    const MONTHS: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    let (date, rest) = t.split_once(':')?;
    let mut d = date.split('/');
    let day = d.next()?;
    let month = d.next()?;
    let year = d.next()?;
    let m = MONTHS.iter().position(|x| *x == month)? + 1;
    let (clock, zone) = rest.split_once(' ').unwrap_or((rest, "+0000"));
    let iso = format!("{year}-{m:02}-{day}T{clock}{}", zone.trim());
    let (body, offset) = split_offset(&iso)?;
    parse_utc(body).map(|v| v - offset)
}

#[cfg(test)]
mod tests {
    use super::*;
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    #[test]
    fn formats_known_instants() {
        assert_eq!(format_utc(0), "1970-01-01T00:00:00Z");
        // Storm-0558 key's certificate notAfter.
        assert_eq!(format_utc(1_617_547_415), "2021-04-04T14:43:35Z");
        assert_eq!(format_utc(-1), "1969-12-31T23:59:59Z");
        assert_eq!(format_utc(951_782_400), "2000-02-29T00:00:00Z");
    }

    #[test]
    fn parse_inverts_format() {
        for t in [0, 1_617_547_415, 951_782_400, 1_688_169_600, 4_102_444_800] {
            assert_eq!(parse_utc(&format_utc(t)), Some(t));
        }
        assert_eq!(parse_utc("2023-07-01T00:00"), Some(1_688_169_600));
        assert_eq!(parse_utc("2023-07-01"), Some(1_688_169_600));
    }

    #[test]
    fn parse_rejects_nonsense() {
        for s in [
            "",
            "yesterday",
            "2023-13-01",
            "2023-01-01T25:00",
            "2023-01-01-01",
        ] {
            assert_eq!(parse_utc(s), None, "{s}");
        }
    }

    #[test]
    fn parse_rejects_days_that_do_not_exist() {
        for s in [
            "2023-02-31",
            "2023-02-29",
            "2100-02-29",
            "1900-02-29T12:00",
            "2023-04-31",
            "2023-06-31T00:00:00Z",
            "2023-09-31",
            "2023-11-31",
            "2023-01-32",
            "2023-00-10",
            "2023-01-00",
            "10000-01-01",
            "99999999999999999-01-01",
        ] {
            assert_eq!(parse_utc(s), None, "{s}");
        }
    }

    #[test]
    fn parse_accepts_the_last_day_of_every_month() {
        // Leap years: divisible by 4, except centuries not divisible by 400.
        for (s, year, month, last) in [
            ("2024-02-29", 2024, 2, 29),
            ("2000-02-29", 2000, 2, 29),
            ("2023-02-28", 2023, 2, 28),
            ("2100-02-28", 2100, 2, 28),
            ("2023-01-31", 2023, 1, 31),
            ("2023-04-30", 2023, 4, 30),
            ("2023-12-31T23:59:59Z", 2023, 12, 31),
            ("0000-02-29", 0, 2, 29),
            ("9999-12-31", 9999, 12, 31),
        ] {
            let t = parse_utc(s).unwrap_or_else(|| panic!("{s} was refused"));
            assert_eq!(
                civil_from_days(t.div_euclid(86_400)),
                (year, month, last),
                "{s}"
            );
            // The next day is in the next month (or year).
            let (_, next_month, next_day) = civil_from_days(t.div_euclid(86_400) + 1);
            assert_eq!(next_day, 1, "{s}");
            assert_eq!(next_month, month % 12 + 1, "{s}");
        }
        assert_eq!(parse_utc("2024-02-29"), Some(1_709_164_800));
    }

    #[test]
    fn relative_says_before_and_after() {
        assert_eq!(relative(100, 100), "at the analysis time");
        assert_eq!(relative(0, 7200), "2 hours before the analysis time");
        assert_eq!(relative(86_400 * 3, 0), "3 days after the analysis time");
        assert_eq!(relative(0, 1), "1 second before the analysis time");
    }

    #[test]
    fn log_timestamps_in_their_usual_shapes_read_as_utc() {
        let utc = parse_utc("2023-06-20T12:00:00Z");
        assert!(utc.is_some());
        for text in [
            "2023-06-20T12:00:00Z",
            "2023-06-20T12:00:00.123Z",
            "2023-06-20 12:00:00,123",
            "[2023-06-20T12:00:00]",
            "2023-06-20T14:00:00+02:00",
            "2023-06-20T07:30:00-0430",
            "20/Jun/2023:12:00:00 +0000",
            "[20/Jun/2023:05:00:00 -0700]",
        ] {
            assert_eq!(parse_log_time(text), utc, "{text}");
        }
        for bad in [
            "",
            "yesterday",
            "2023-02-30T00:00:00Z",
            "20/Foo/2023:12:00:00 +0000",
            "2023-06-20T12:00:00+2",
        ] {
            assert_eq!(parse_log_time(bad), None, "{bad}");
        }
    }
}
