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

/// Parses `YYYY-MM-DDTHH:MM[:SS][Z]` (UTC) into Unix seconds; None if it is not that shape.
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
    if d.next().is_some() || !(1..=12).contains(&m) || !(1..=31).contains(&day) {
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
    fn relative_says_before_and_after() {
        assert_eq!(relative(100, 100), "at the analysis time");
        assert_eq!(relative(0, 7200), "2 hours before the analysis time");
        assert_eq!(relative(86_400 * 3, 0), "3 days after the analysis time");
        assert_eq!(relative(0, 1), "1 second before the analysis time");
    }
}
