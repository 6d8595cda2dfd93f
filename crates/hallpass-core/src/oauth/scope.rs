use super::{ErrorCode, OAuthError};
use std::fmt;

/// A set of scope tokens (RFC 6749 §3.3): space-separated, no duplicates,
/// each made of the allowed characters. Keeps request order.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Scope(Vec<String>);

/// The user scopes Hallpass understands.
pub const USER_SCOPES: [&str; 4] = ["openid", "profile", "email", "offline_access"];

impl Scope {
    pub fn parse(value: &str) -> Result<Scope, OAuthError> {
        let mut tokens: Vec<String> = Vec::new();
        for token in value.split(' ').filter(|t| !t.is_empty()) {
            // scope-token = 1*( %x21 / %x23-5B / %x5D-7E )
            if !token
                .bytes()
                .all(|b| b == 0x21 || (0x23..=0x5B).contains(&b) || (0x5D..=0x7E).contains(&b))
            {
                return Err(OAuthError::new(
                    ErrorCode::InvalidScope,
                    format!("`{token}` is not a valid scope"),
                ));
            }
            if !tokens.iter().any(|t| t == token) {
                tokens.push(token.to_owned());
            }
        }
        Ok(Scope(tokens))
    }

    pub fn from_list(list: &[String]) -> Scope {
        Scope(list.to_vec())
    }

    pub fn contains(&self, token: &str) -> bool {
        self.0.iter().any(|t| t == token)
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn is_subset_of(&self, other: &Scope) -> bool {
        self.0.iter().all(|t| other.contains(t))
    }

    /// The tokens `keep` accepts, in order.
    pub fn filtered(&self, keep: impl Fn(&str) -> bool) -> Scope {
        Scope(self.0.iter().filter(|t| keep(t)).cloned().collect())
    }

    pub fn tokens(&self) -> &[String] {
        &self.0
    }
}

impl fmt::Display for Scope {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0.join(" "))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_dedupes_and_refuses_bad_characters() {
        let scope = Scope::parse("openid  email openid").unwrap();
        assert_eq!(scope.to_string(), "openid email");
        assert!(scope.is_subset_of(&Scope::parse("email openid profile").unwrap()));
        assert_eq!(Scope::parse("open\"id").unwrap_err().code, ErrorCode::InvalidScope);
        assert!(Scope::parse("").unwrap().is_empty());
    }
}
