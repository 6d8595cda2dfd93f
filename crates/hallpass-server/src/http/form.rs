//! Reading `application/x-www-form-urlencoded` bodies and query strings as
//! ordered pairs, so repeated parameters can be refused (RFC 6749 §3.1).

use axum::http::header::CONTENT_TYPE;
use axum::http::HeaderMap;

pub type Pairs = Vec<(String, String)>;

pub fn parse(bytes: &[u8]) -> Pairs {
    url::form_urlencoded::parse(bytes).into_owned().collect()
}

pub fn is_form(headers: &HeaderMap) -> bool {
    headers
        .get(CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .is_some_and(|v| v.trim().eq_ignore_ascii_case("application/x-www-form-urlencoded"))
}

/// The single value of `name`; `Err` names a parameter given more than once.
pub fn single<'a>(pairs: &'a Pairs, name: &str) -> Result<Option<&'a str>, String> {
    let mut values = pairs.iter().filter(|(k, _)| k == name).map(|(_, v)| v.as_str());
    let first = values.next();
    if values.next().is_some() {
        return Err(format!("`{name}` is given more than once"));
    }
    Ok(first.filter(|v| !v.is_empty()))
}

/// The first parameter given more than once, if any.
pub fn first_repeated(pairs: &Pairs) -> Option<&str> {
    pairs
        .iter()
        .enumerate()
        .find(|(i, (name, _))| pairs[..*i].iter().any(|(earlier, _)| earlier == name))
        .map(|(_, (name, _))| name.as_str())
}
