//! Resource types (User, Group), checking and canonicalizing what a client
//! sends, and the fields Hallpass itself acts on.

use crate::error::ScimError;
use crate::path::get_ci;
use crate::schema::{self, Attribute, Mutability, Schema, Type};
use serde_json::{Map, Value};

static USER_EXTENSIONS: [&Schema; 1] = [&schema::ENTERPRISE_USER_SCHEMA];

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ResourceKind {
    User,
    Group,
}

impl ResourceKind {
    pub fn name(self) -> &'static str {
        match self {
            ResourceKind::User => "User",
            ResourceKind::Group => "Group",
        }
    }

    /// The collection's path under the base URL.
    pub fn endpoint(self) -> &'static str {
        match self {
            ResourceKind::User => "/Users",
            ResourceKind::Group => "/Groups",
        }
    }

    pub fn core(self) -> &'static Schema {
        match self {
            ResourceKind::User => &schema::USER_SCHEMA,
            ResourceKind::Group => &schema::GROUP_SCHEMA,
        }
    }

    pub fn extensions(self) -> &'static [&'static Schema] {
        match self {
            ResourceKind::User => &USER_EXTENSIONS,
            ResourceKind::Group => &[],
        }
    }

    /// Checks a resource a client wrote (the body of a POST or PUT, or the
    /// result of a PATCH) and returns it canonical: attribute names in their
    /// schema's case, `"True"`/`"False"` strings as booleans, a lone value of
    /// a multi-valued attribute as a list, nulls and empty lists dropped,
    /// read-only and write-only attributes dropped (`id`, `meta`, `groups`,
    /// `password`), `schemas` listing the core schema and the extensions
    /// present. An unknown attribute is `invalidSyntax`, a wrong type
    /// `invalidValue`, a missing required attribute `invalidValue`.
    pub fn normalize(self, input: &Value) -> Result<Value, ScimError> {
        let object = input
            .as_object()
            .ok_or_else(|| ScimError::invalid_syntax("A resource must be a JSON object."))?;
        let declared = match get_ci(object, "schemas") {
            Some(Value::Array(s)) => s.iter().filter_map(Value::as_str).collect::<Vec<_>>(),
            _ => return Err(ScimError::invalid_syntax("`schemas` must list the resource's schemas.")),
        };
        if !declared.iter().any(|s| s.eq_ignore_ascii_case(self.core().id)) {
            return Err(ScimError::invalid_syntax(format!(
                "`schemas` must include {}.",
                self.core().id
            )));
        }
        let mut out = Map::new();
        let mut schemas = vec![Value::String(self.core().id.to_string())];
        for (key, value) in object {
            if key.eq_ignore_ascii_case("schemas") {
                continue;
            }
            if let Some(ext) = self.extensions().iter().find(|s| s.id.eq_ignore_ascii_case(key)) {
                if value.is_null() {
                    continue;
                }
                let members = value
                    .as_object()
                    .ok_or_else(|| ScimError::invalid_syntax(format!("{} must be an object.", ext.id)))?;
                let mut ext_out = Map::new();
                for (k, v) in members {
                    let attr = schema::find(ext.attributes, k)
                        .ok_or_else(|| ScimError::invalid_syntax(format!("Unknown attribute `{}:{k}`.", ext.id)))?;
                    put(&mut ext_out, attr, v)?;
                }
                if !ext_out.is_empty() {
                    out.insert(ext.id.to_string(), Value::Object(ext_out));
                    schemas.push(Value::String(ext.id.to_string()));
                }
                continue;
            }
            let attr = schema::find(self.core().attributes, key)
                .or_else(|| schema::find(schema::COMMON, key))
                .ok_or_else(|| ScimError::invalid_syntax(format!("Unknown attribute `{key}`.")))?;
            put(&mut out, attr, value)?;
        }
        for attr in self.core().attributes.iter().filter(|a| a.required) {
            if !out.contains_key(attr.name) {
                return Err(ScimError::invalid_value(format!("`{}` is required.", attr.name)));
            }
        }
        out.insert("schemas".into(), Value::Array(schemas));
        Ok(Value::Object(out))
    }
}

/// Checks `value` against `attr` and stores its canonical form under the
/// attribute's name, unless it is read-only, write-only or empty.
fn put(out: &mut Map<String, Value>, attr: &Attribute, value: &Value) -> Result<(), ScimError> {
    if matches!(attr.mutability, Mutability::ReadOnly | Mutability::WriteOnly) {
        return Ok(());
    }
    if let Some(v) = canonical(attr, value)? {
        out.insert(attr.name.to_string(), v);
    }
    Ok(())
}

/// The canonical form of a value of `attr`, `None` if it is empty.
pub fn canonical(attr: &Attribute, value: &Value) -> Result<Option<Value>, ScimError> {
    if value.is_null() {
        return Ok(None);
    }
    if attr.multi {
        let items: Vec<&Value> = match value {
            Value::Array(items) => items.iter().collect(),
            one => vec![one],
        };
        let mut out = Vec::new();
        for item in items {
            if let Some(v) = single(attr, item)? {
                out.push(v);
            }
        }
        return Ok(if out.is_empty() { None } else { Some(Value::Array(out)) });
    }
    single(attr, value)
}

fn single(attr: &Attribute, value: &Value) -> Result<Option<Value>, ScimError> {
    let wrong = || ScimError::invalid_value(format!("`{}` must be a {}.", attr.name, attr.kind.as_str()));
    Ok(Some(match (attr.kind, value) {
        (_, Value::Null) => return Ok(None),
        (Type::Complex, Value::Object(members)) => {
            let mut out = Map::new();
            for (k, v) in members {
                let sub = attr
                    .sub_attribute(k)
                    .ok_or_else(|| ScimError::invalid_syntax(format!("Unknown attribute `{}.{k}`.", attr.name)))?;
                put(&mut out, sub, v)?;
            }
            if out.is_empty() {
                return Ok(None);
            }
            Value::Object(out)
        }
        (Type::Boolean, Value::Bool(b)) => Value::Bool(*b),
        (Type::Boolean, Value::String(s)) if s.eq_ignore_ascii_case("true") => Value::Bool(true),
        (Type::Boolean, Value::String(s)) if s.eq_ignore_ascii_case("false") => Value::Bool(false),
        (Type::Integer, Value::Number(n)) if n.is_i64() || n.is_u64() => Value::Number(n.clone()),
        (Type::Decimal, Value::Number(n)) => Value::Number(n.clone()),
        (Type::String | Type::Reference | Type::Binary | Type::DateTime, Value::String(s)) => Value::String(s.clone()),
        _ => return Err(wrong()),
    }))
}

/// What Hallpass acts on in a User.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UserFields {
    pub user_name: String,
    pub external_id: Option<String>,
    /// The display name, else the formatted name, else given and family names.
    pub name: Option<String>,
    /// `active` (a user is active unless it says `false`).
    pub active: bool,
    /// The primary email, else the first, else `userName` when it is an address.
    pub email: Option<String>,
}

fn text<'a>(object: &'a Map<String, Value>, name: &str) -> Option<&'a str> {
    object
        .get(name)
        .and_then(Value::as_str)
        .filter(|s| !s.trim().is_empty())
}

fn looks_like_address(s: &str) -> bool {
    match s.split_once('@') {
        Some((local, domain)) => !local.is_empty() && domain.contains('.') && !s.contains(char::is_whitespace),
        None => false,
    }
}

impl UserFields {
    /// From a canonical User (see [`ResourceKind::normalize`]).
    pub fn of(user: &Value) -> UserFields {
        let empty = Map::new();
        let object = user.as_object().unwrap_or(&empty);
        let user_name = text(object, "userName").unwrap_or_default().to_string();
        let name_obj = object.get("name").and_then(Value::as_object);
        let name = text(object, "displayName").map(str::to_string).or_else(|| {
            let n = name_obj?;
            text(n, "formatted").map(str::to_string).or_else(|| {
                let parts: Vec<&str> = [text(n, "givenName"), text(n, "familyName")]
                    .into_iter()
                    .flatten()
                    .collect();
                (!parts.is_empty()).then(|| parts.join(" "))
            })
        });
        let emails: Vec<&Map<String, Value>> = object
            .get("emails")
            .and_then(Value::as_array)
            .map(|a| a.iter().filter_map(Value::as_object).collect())
            .unwrap_or_default();
        let primary = emails
            .iter()
            .find(|e| e.get("primary") == Some(&Value::Bool(true)))
            .or(emails.first());
        let email = primary
            .and_then(|e| text(e, "value"))
            .filter(|e| looks_like_address(e))
            .or_else(|| Some(user_name.as_str()).filter(|u| looks_like_address(u)))
            .map(str::to_string);
        UserFields {
            external_id: text(object, "externalId").map(str::to_string),
            name,
            active: object.get("active") != Some(&Value::Bool(false)),
            email,
            user_name,
        }
    }
}

/// What Hallpass acts on in a Group.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GroupFields {
    pub display_name: String,
    pub external_id: Option<String>,
    /// The `value` of each member, in order, without repeats.
    pub members: Vec<String>,
}

impl GroupFields {
    pub fn of(group: &Value) -> GroupFields {
        let empty = Map::new();
        let object = group.as_object().unwrap_or(&empty);
        let mut members: Vec<String> = Vec::new();
        for m in object.get("members").and_then(Value::as_array).into_iter().flatten() {
            if let Some(v) = m.get("value").and_then(Value::as_str) {
                if !members.iter().any(|x| x == v) {
                    members.push(v.to_string());
                }
            }
        }
        GroupFields {
            display_name: text(object, "displayName").unwrap_or_default().to_string(),
            external_id: text(object, "externalId").map(str::to_string),
            members,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn canonicalizes_names_booleans_and_lone_values() {
        let input = json!({
            "schemas": [schema::USER],
            "USERNAME": "bob",
            "Active": "False",
            "emails": {"Value": "bob@example.com", "PRIMARY": "true"},
            "name": {"givenname": "Bob", "familyName": null},
            "id": "ignored",
            "meta": {"version": "W/\"9\""},
            "groups": [{"value": "g"}],
            "password": "secret",
            "title": null,
            "roles": [],
        });
        let out = ResourceKind::User.normalize(&input).unwrap();
        assert_eq!(
            out,
            json!({
                "schemas": [schema::USER],
                "userName": "bob",
                "active": false,
                "emails": [{"value": "bob@example.com", "primary": true}],
                "name": {"givenName": "Bob"},
            })
        );
    }

    #[test]
    fn keeps_the_enterprise_extension_and_lists_it() {
        let input = json!({
            "schemas": [schema::USER, schema::ENTERPRISE_USER],
            "userName": "bob",
            "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User": {
                "employeeNumber": "42", "manager": {"value": "m", "displayName": "read only"}
            }
        });
        let out = ResourceKind::User.normalize(&input).unwrap();
        assert_eq!(out["schemas"], json!([schema::USER, schema::ENTERPRISE_USER]));
        assert_eq!(
            out[schema::ENTERPRISE_USER],
            json!({"employeeNumber": "42", "manager": {"value": "m"}})
        );
    }

    #[test]
    fn refuses_unknown_attributes_wrong_types_and_missing_required() {
        let cases = [
            (
                json!({"schemas": [schema::USER], "userName": "a", "shoeSize": 9}),
                crate::ScimType::InvalidSyntax,
            ),
            (
                json!({"schemas": [schema::USER], "userName": "a", "name": {"nick": "x"}}),
                crate::ScimType::InvalidSyntax,
            ),
            (
                json!({"schemas": [schema::USER], "userName": "a", "active": "maybe"}),
                crate::ScimType::InvalidValue,
            ),
            (
                json!({"schemas": [schema::USER], "userName": 5}),
                crate::ScimType::InvalidValue,
            ),
            (
                json!({"schemas": [schema::USER], "displayName": "no userName"}),
                crate::ScimType::InvalidValue,
            ),
            (json!({"userName": "no schemas"}), crate::ScimType::InvalidSyntax),
            (
                json!({"schemas": [schema::GROUP], "userName": "a"}),
                crate::ScimType::InvalidSyntax,
            ),
            (json!([1]), crate::ScimType::InvalidSyntax),
        ];
        for (input, expected) in cases {
            let err = ResourceKind::User.normalize(&input).err().and_then(|e| e.scim_type);
            assert_eq!(err, Some(expected), "{input}");
        }
    }

    #[test]
    fn user_fields_pick_the_primary_email_then_an_address_user_name() {
        let user = json!({"userName": "bob", "displayName": "Bob B", "emails": [
            {"value": "other@example.com"}, {"value": "Bob@Example.com", "primary": true}]});
        let f = UserFields::of(&user);
        assert_eq!(f.email.as_deref(), Some("Bob@Example.com"));
        assert_eq!(f.name.as_deref(), Some("Bob B"));
        assert!(f.active);
        let f = UserFields::of(&json!({"userName": "carol@example.com", "active": false,
            "name": {"givenName": "Carol", "familyName": "C"}}));
        assert_eq!(f.email.as_deref(), Some("carol@example.com"));
        assert_eq!(f.name.as_deref(), Some("Carol C"));
        assert!(!f.active);
        assert_eq!(UserFields::of(&json!({"userName": "dave"})).email, None);
    }

    #[test]
    fn group_fields_list_members_once() {
        let g = json!({"displayName": "Eng", "members": [{"value": "a"}, {"value": "b"}, {"value": "a"}]});
        assert_eq!(GroupFields::of(&g).members, vec!["a".to_string(), "b".to_string()]);
    }
}
