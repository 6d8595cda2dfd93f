//! What a sign-in settings change may hold. Checked before anything is read
//! or written, so bad input changes nothing.

use super::{Change, SignInSettingsChange};
use crate::error::CoreError;
use crate::values::Email;

pub const MAX_PRODUCT_NAME_CHARS: usize = 64;
pub const MAX_LOGO_URL_LEN: usize = 2048;

/// `change` with its texts checked and put in their canonical form.
pub(super) fn check(mut change: SignInSettingsChange) -> Result<SignInSettingsChange, CoreError> {
    if let Change::Set(name) = &mut change.product_name {
        *name = product_name(name)?;
    }
    if let Change::Set(url) = &mut change.logo_url {
        *url = logo_url(url)?;
    }
    if let Change::Set(color) = &mut change.primary_color {
        *color = primary_color(color)?;
    }
    if let Change::Set(address) = &mut change.support_email {
        *address = support_email(address)?;
    }
    Ok(change)
}

fn product_name(value: &str) -> Result<String, CoreError> {
    let name = value.trim();
    if name.is_empty() || name.chars().count() > MAX_PRODUCT_NAME_CHARS {
        return Err(CoreError::invalid(
            "product_name",
            format!("must be 1 to {MAX_PRODUCT_NAME_CHARS} characters"),
        ));
    }
    if name.chars().any(char::is_control) {
        return Err(CoreError::invalid(
            "product_name",
            "must not contain control characters",
        ));
    }
    Ok(name.to_owned())
}

/// `https`, or `http` to a loopback host (development); no credentials. The
/// URL goes into an `<img src>`, HTML-escaped by the templates.
fn logo_url(value: &str) -> Result<String, CoreError> {
    let value = value.trim();
    if value.is_empty() {
        return Ok(String::new());
    }
    let fail = |message: &str| Err(CoreError::invalid("logo_url", message));
    if value.len() > MAX_LOGO_URL_LEN {
        return fail("must be at most 2048 characters");
    }
    let Ok(url) = url::Url::parse(value) else {
        return fail("must be an absolute https URL");
    };
    let loopback = match url.host() {
        Some(url::Host::Domain(name)) => name == "localhost",
        Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
        Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
        None => false,
    };
    match url.scheme() {
        "https" if url.host().is_some() => {}
        "http" if loopback => {}
        "http" => return fail("must use https (http only for localhost)"),
        _ => return fail("must be an absolute https URL"),
    }
    if !url.username().is_empty() || url.password().is_some() {
        return fail("must not carry a user name or password");
    }
    Ok(url.to_string())
}

fn primary_color(value: &str) -> Result<String, CoreError> {
    let value = value.trim();
    if value.is_empty() {
        return Ok(String::new());
    }
    let hex = value.strip_prefix('#').unwrap_or_default();
    if hex.len() != 6 || !hex.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err(CoreError::invalid(
            "primary_color",
            "must be a colour as #rrggbb, such as #3557d6",
        ));
    }
    Ok(value.to_ascii_lowercase())
}

fn support_email(value: &str) -> Result<String, CoreError> {
    if value.trim().is_empty() {
        return Ok(String::new());
    }
    Email::parse(value)
        .map(|email| email.as_str().to_owned())
        .map_err(|err| CoreError::invalid("support_email", err.to_string()))
}

pub(super) fn is_hex_color(color: &str) -> bool {
    color
        .strip_prefix('#')
        .is_some_and(|hex| (hex.len() == 6 || hex.len() == 3) && hex.bytes().all(|b| b.is_ascii_hexdigit()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn logo_urls_are_https_or_loopback_http() {
        assert!(logo_url("https://cdn.acme.test/logo.png").is_ok());
        assert!(logo_url("http://localhost:8080/logo.png").is_ok());
        assert!(logo_url("http://127.0.0.1/logo.png").is_ok());
        assert!(logo_url("http://[::1]/logo.png").is_ok());
        for bad in [
            "http://cdn.acme.test/logo.png",
            "javascript:alert(1)",
            "data:image/png;base64,AAAA",
            "//cdn.acme.test/logo.png",
            "https://user:pw@cdn.acme.test/logo.png",
            "logo.png",
        ] {
            assert!(logo_url(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn colours_are_six_hex_digits_lower_cased() {
        assert_eq!(primary_color("#A0b1C2").unwrap(), "#a0b1c2");
        for bad in ["#abc", "a0b1c2", "#a0b1c2;}", "red", "#ggg000", "#a0b1c2\n}"] {
            assert!(primary_color(bad).is_err(), "{bad}");
        }
        assert!(is_hex_color("#abc") && is_hex_color("#a0b1c2") && !is_hex_color("#a0b1c2;}"));
    }
}
