//! SCIM error bodies (RFC 7644 §3.12): `status` is a string, `scimType` names
//! what was wrong for 400 and 409 answers.

use serde_json::{json, Value};

pub const ERROR_SCHEMA: &str = "urn:ietf:params:scim:api:messages:2.0:Error";

/// The `scimType` values of RFC 7644 §3.12, table 9.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ScimType {
    InvalidFilter,
    TooMany,
    Uniqueness,
    Mutability,
    InvalidSyntax,
    InvalidPath,
    NoTarget,
    InvalidValue,
    InvalidVers,
    Sensitive,
}

impl ScimType {
    pub fn as_str(self) -> &'static str {
        match self {
            ScimType::InvalidFilter => "invalidFilter",
            ScimType::TooMany => "tooMany",
            ScimType::Uniqueness => "uniqueness",
            ScimType::Mutability => "mutability",
            ScimType::InvalidSyntax => "invalidSyntax",
            ScimType::InvalidPath => "invalidPath",
            ScimType::NoTarget => "noTarget",
            ScimType::InvalidValue => "invalidValue",
            ScimType::InvalidVers => "invalidVers",
            ScimType::Sensitive => "sensitive",
        }
    }
}

/// An error a SCIM client receives: its HTTP status, its `scimType` and a
/// sentence saying what was wrong.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScimError {
    pub status: u16,
    pub scim_type: Option<ScimType>,
    pub detail: String,
}

impl ScimError {
    pub fn new(status: u16, scim_type: Option<ScimType>, detail: impl Into<String>) -> ScimError {
        ScimError {
            status,
            scim_type,
            detail: detail.into(),
        }
    }

    /// 400 with a `scimType`.
    pub fn bad(scim_type: ScimType, detail: impl Into<String>) -> ScimError {
        ScimError::new(400, Some(scim_type), detail)
    }

    pub fn invalid_filter(detail: impl Into<String>) -> ScimError {
        ScimError::bad(ScimType::InvalidFilter, detail)
    }

    pub fn invalid_syntax(detail: impl Into<String>) -> ScimError {
        ScimError::bad(ScimType::InvalidSyntax, detail)
    }

    pub fn invalid_value(detail: impl Into<String>) -> ScimError {
        ScimError::bad(ScimType::InvalidValue, detail)
    }

    pub fn invalid_path(detail: impl Into<String>) -> ScimError {
        ScimError::bad(ScimType::InvalidPath, detail)
    }

    pub fn no_target(detail: impl Into<String>) -> ScimError {
        ScimError::bad(ScimType::NoTarget, detail)
    }

    pub fn mutability(detail: impl Into<String>) -> ScimError {
        ScimError::bad(ScimType::Mutability, detail)
    }

    pub fn uniqueness(detail: impl Into<String>) -> ScimError {
        ScimError::new(409, Some(ScimType::Uniqueness), detail)
    }

    pub fn not_found(detail: impl Into<String>) -> ScimError {
        ScimError::new(404, None, detail)
    }

    pub fn unauthorized() -> ScimError {
        ScimError::new(401, None, "A valid bearer token of this directory is required.")
    }

    pub fn precondition_failed() -> ScimError {
        ScimError::new(412, None, "The resource changed: its version does not match If-Match.")
    }

    /// The response body.
    pub fn body(&self) -> Value {
        let mut body = json!({
            "schemas": [ERROR_SCHEMA],
            "status": self.status.to_string(),
            "detail": self.detail,
        });
        if let (Some(t), Some(map)) = (self.scim_type, body.as_object_mut()) {
            map.insert("scimType".into(), Value::String(t.as_str().into()));
        }
        body
    }
}

impl std::fmt::Display for ScimError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} {}", self.status, self.detail)
    }
}

impl std::error::Error for ScimError {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn body_has_status_as_a_string_and_the_scim_type() {
        let body = ScimError::uniqueness("userName taken").body();
        assert_eq!(body["status"], "409");
        assert_eq!(body["scimType"], "uniqueness");
        assert_eq!(body["schemas"][0], ERROR_SCHEMA);
        assert_eq!(body["detail"], "userName taken");
    }

    #[test]
    fn body_without_scim_type_has_no_such_member() {
        let body = ScimError::not_found("no such user").body();
        assert_eq!(body["status"], "404");
        assert!(body.get("scimType").is_none());
    }
}
