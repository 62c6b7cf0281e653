//! Masking of evidence, so that reports, logs and alerts show enough to find
//! the value again but never the value itself.

/// The most stars a masked part shows, so masks do not reveal long lengths
/// exactly nor blow up a table.
const MAX_STARS: usize = 8;

fn stars(n: usize) -> String {
    "*".repeat(n.clamp(1, MAX_STARS))
}

/// Masks an email address as `j***@c*****.com`: the first character of the
/// local part and of each domain label, and the top-level domain, are kept.
/// A value without `@` is masked with [`mask_generic`].
pub fn mask_email(value: &str) -> String {
    let Some((local, domain)) = value.rsplit_once('@') else {
        return mask_generic(value, 1, 0);
    };
    let local = local.trim();
    let domain = domain.trim();
    let mut out = String::new();
    out.push_str(&keep_first(local, 3));
    out.push('@');
    let labels: Vec<&str> = domain.split('.').collect();
    for (i, label) in labels.iter().enumerate() {
        if i > 0 {
            out.push('.');
        }
        if i + 1 == labels.len() && labels.len() > 1 {
            out.push_str(label);
        } else {
            out.push_str(&keep_first(label, label.chars().count().saturating_sub(1)));
        }
    }
    out
}

fn keep_first(part: &str, star_count: usize) -> String {
    match part.chars().next() {
        Some(first) => format!("{first}{}", stars(star_count)),
        None => String::new(),
    }
}

/// Masks any value, keeping `keep_start` leading and `keep_end` trailing
/// characters, and only when at least half of the value stays hidden; the
/// rest is stars.
pub fn mask_generic(value: &str, keep_start: usize, keep_end: usize) -> String {
    let chars: Vec<char> = value.chars().collect();
    let n = chars.len();
    if n == 0 {
        return String::new();
    }
    let (start, end) = if (keep_start + keep_end) * 2 <= n {
        (keep_start, keep_end)
    } else {
        (0, 0)
    };
    let head: String = chars[..start].iter().collect();
    let tail: String = chars[n - end..].iter().collect();
    format!("{head}{}{tail}", stars(n - start - end))
}

/// Masks a secret: a recognisable prefix of up to four characters (`AKIA`,
/// `ghp_`) when the secret is long enough, then stars and the length.
pub fn mask_secret(value: &str) -> String {
    let n = value.chars().count();
    let keep = if n >= 16 { 4 } else { 0 };
    let head: String = value.chars().take(keep).collect();
    format!("{head}{} ({n} chars)", stars(n - keep))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn email_keeps_shape_not_value() {
        assert_eq!(mask_email("john.doe@contoso.com"), "j***@c******.com");
        assert_eq!(mask_email("a@b.co.uk"), "a***@b*.c*.uk");
        assert!(!mask_email("john.doe@contoso.com").contains("contoso"));
    }

    #[test]
    fn generic_hides_at_least_half() {
        assert_eq!(mask_generic("4111111111111111", 0, 4), "********1111");
        assert_eq!(mask_generic("abc", 1, 1), "***");
        assert_eq!(mask_generic("", 1, 1), "");
    }

    #[test]
    fn secret_keeps_prefix_only_when_long() {
        assert_eq!(
            mask_secret("AKIAIOSFODNN7EXAMPLE"),
            "AKIA******** (20 chars)"
        );
        assert_eq!(mask_secret("hunter2"), "******* (7 chars)");
    }
}
