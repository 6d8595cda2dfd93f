//! Attribute paths (RFC 7644 §3.10): `userName`, `name.givenName`,
//! `urn:…:enterprise:2.0:User:manager.value`, and what they name in a
//! resource type's schemas.

use crate::error::ScimError;
use crate::resource::ResourceKind;
use crate::schema::{self, Attribute};
use serde_json::{Map, Value};

/// `[URN ":"] name ["." sub]`. An empty `name` with a URN names a whole
/// extension (as in `attributes=urn:…:enterprise:2.0:User`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AttrPath {
    pub urn: Option<String>,
    pub name: String,
    pub sub: Option<String>,
}

fn is_name(s: &str) -> bool {
    let mut chars = s.chars();
    match chars.next() {
        Some(c) if c.is_ascii_alphabetic() => chars.all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_'),
        Some('$') => s == "$ref",
        _ => false,
    }
}

impl AttrPath {
    pub fn parse(text: &str) -> Result<AttrPath, ScimError> {
        let bad = || ScimError::invalid_path(format!("`{text}` is not an attribute path"));
        let text = text.trim();
        let (urn, rest) = split_urn(text);
        if urn.is_some() && rest.is_empty() {
            return Ok(AttrPath {
                urn,
                name: String::new(),
                sub: None,
            });
        }
        let (name, sub) = match rest.split_once('.') {
            Some((name, sub)) => (name, Some(sub)),
            None => (rest, None),
        };
        if !is_name(name) || sub.is_some_and(|s| !is_name(s)) {
            return Err(bad());
        }
        Ok(AttrPath {
            urn,
            name: name.to_string(),
            sub: sub.map(str::to_string),
        })
    }

    pub fn simple(name: &str) -> AttrPath {
        AttrPath {
            urn: None,
            name: name.to_string(),
            sub: None,
        }
    }
}

/// Splits a schema URN off the front: a URN this server knows is matched
/// whole (its own dots and colons are not separators), any other at its last
/// colon.
fn split_urn(text: &str) -> (Option<String>, &str) {
    if !text.get(..4).is_some_and(|p| p.eq_ignore_ascii_case("urn:")) {
        return (None, text);
    }
    for s in schema::all() {
        if text.len() == s.id.len() && text.eq_ignore_ascii_case(s.id) {
            return (Some(s.id.to_string()), "");
        }
        if text.len() > s.id.len()
            && text.get(..s.id.len()).is_some_and(|p| p.eq_ignore_ascii_case(s.id))
            && text.as_bytes().get(s.id.len()) == Some(&b':')
        {
            return (Some(s.id.to_string()), text.get(s.id.len() + 1..).unwrap_or(""));
        }
    }
    match text.rsplit_once(':') {
        Some((urn, rest)) => (Some(urn.to_string()), rest),
        None => (None, text),
    }
}

/// What a path names: where it lives (`None` for the top level, an
/// extension's URN otherwise) and its definitions.
#[derive(Debug, Clone, Copy)]
pub struct Resolved {
    pub extension: Option<&'static str>,
    pub attr: &'static Attribute,
    pub sub: Option<&'static Attribute>,
}

/// Where attribute names are looked up: a resource type's schemas, or the
/// sub-attributes of one complex attribute (inside `emails[…]`).
#[derive(Debug, Clone, Copy)]
pub enum Scope {
    Resource(ResourceKind),
    Within(&'static Attribute),
}

impl Scope {
    /// Resolves `path` here; `None` if it names nothing.
    pub fn resolve(self, path: &AttrPath) -> Option<Resolved> {
        let (extension, attr) = match self {
            Scope::Within(parent) => {
                if path.urn.is_some() || path.sub.is_some() {
                    return None;
                }
                return parent.sub_attribute(&path.name).map(|attr| Resolved {
                    extension: None,
                    attr,
                    sub: None,
                });
            }
            Scope::Resource(kind) => match &path.urn {
                Some(urn) if !urn.eq_ignore_ascii_case(kind.core().id) => {
                    let ext = kind.extensions().iter().find(|s| s.id.eq_ignore_ascii_case(urn))?;
                    (Some(ext.id), schema::find(ext.attributes, &path.name)?)
                }
                _ => {
                    let attr = schema::find(kind.core().attributes, &path.name)
                        .or_else(|| schema::find(schema::COMMON, &path.name))?;
                    (None, attr)
                }
            },
        };
        let sub = match &path.sub {
            Some(sub) => Some(attr.sub_attribute(sub)?),
            None => None,
        };
        Some(Resolved { extension, attr, sub })
    }
}

/// Looks a member up by name, case-insensitively.
pub fn get_ci<'a>(object: &'a Map<String, Value>, name: &str) -> Option<&'a Value> {
    object.get(name).or_else(|| {
        object
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v)
    })
}

/// The key a member is stored under, case-insensitively (or `name` if absent).
pub fn key_ci(object: &Map<String, Value>, name: &str) -> String {
    object
        .keys()
        .find(|k| k.eq_ignore_ascii_case(name))
        .cloned()
        .unwrap_or_else(|| name.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_sub_attributes_and_urn_prefixes() {
        let p = AttrPath::parse("name.givenName").ok();
        assert_eq!(
            p,
            Some(AttrPath {
                urn: None,
                name: "name".into(),
                sub: Some("givenName".into())
            })
        );
        let p = AttrPath::parse("urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager.value").ok();
        assert_eq!(p.as_ref().and_then(|p| p.urn.as_deref()), Some(schema::ENTERPRISE_USER));
        assert_eq!(p.as_ref().map(|p| p.name.as_str()), Some("manager"));
        assert_eq!(p.and_then(|p| p.sub), Some("value".into()));
        let p = AttrPath::parse("urn:ietf:params:scim:schemas:core:2.0:User:userName").ok();
        assert_eq!(
            p.map(|p| (p.urn, p.name)),
            Some((Some(schema::USER.to_string()), "userName".to_string()))
        );
    }

    #[test]
    fn a_bare_extension_urn_names_the_extension() {
        let p = AttrPath::parse(schema::ENTERPRISE_USER).ok();
        assert_eq!(p.map(|p| p.name), Some(String::new()));
    }

    #[test]
    fn refuses_what_is_not_a_path() {
        for bad in ["", "1abc", "name..given", "na me", "emails.value.x"] {
            let err = AttrPath::parse(bad).err().map(|e| e.scim_type);
            assert_eq!(err, Some(Some(crate::ScimType::InvalidPath)), "{bad}");
        }
    }

    #[test]
    fn resolves_case_insensitively_in_core_common_and_extension() {
        let scope = Scope::Resource(ResourceKind::User);
        let r = scope.resolve(&AttrPath::parse("EMAILS.Value").unwrap_or_else(|_| AttrPath::simple("x")));
        assert_eq!(
            r.map(|r| (r.attr.name, r.sub.map(|s| s.name))),
            Some(("emails", Some("value")))
        );
        assert!(scope.resolve(&AttrPath::simple("externalid")).is_some());
        let dept = AttrPath::parse("urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department").ok();
        let r = dept.and_then(|p| scope.resolve(&p));
        assert_eq!(r.map(|r| r.extension), Some(Some(schema::ENTERPRISE_USER)));
        assert!(scope.resolve(&AttrPath::simple("members")).is_none());
    }
}
