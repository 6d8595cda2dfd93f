//! Prefixed identifiers (`usr_…`, `org_…`, `ses_…`): the prefix tells a reader
//! what an id names, and the ULID body sorts by creation time, which keyset
//! pagination relies on.

use crate::clock::Clock;
use crate::rng::{random_bytes, Rng};
use std::fmt;

/// Why a string is not an id of the expected kind.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("`{value}` is not a valid {kind} id (expected `{prefix}` followed by 26 characters)")]
pub struct InvalidId {
    pub kind: &'static str,
    pub prefix: &'static str,
    pub value: String,
}

fn new_body(clock: &dyn Clock, rng: &dyn Rng) -> String {
    let random = u128::from_be_bytes(random_bytes::<16>(rng));
    ulid::Ulid::from_parts(clock.now_millis(), random)
        .to_string()
        .to_ascii_lowercase()
}

fn parse_body(value: &str, prefix: &'static str, kind: &'static str) -> Result<String, InvalidId> {
    let invalid = || InvalidId {
        kind,
        prefix,
        value: value.to_owned(),
    };
    let body = value.strip_prefix(prefix).ok_or_else(invalid)?;
    ulid::Ulid::from_string(body).map_err(|_| invalid())?;
    if body.len() != 26 || body.chars().any(|c| c.is_ascii_uppercase()) {
        return Err(invalid());
    }
    Ok(value.to_owned())
}

macro_rules! prefixed_id {
    ($(#[$doc:meta])* $name:ident, $prefix:literal, $kind:literal) => {
        $(#[$doc])*
        #[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
        #[serde(transparent)]
        pub struct $name(String);

        impl $name {
            pub const PREFIX: &'static str = $prefix;

            pub fn generate(clock: &dyn Clock, rng: &dyn Rng) -> Self {
                $name(format!("{}{}", $prefix, new_body(clock, rng)))
            }

            pub fn parse(value: &str) -> Result<Self, InvalidId> {
                parse_body(value, $prefix, $kind).map($name)
            }

            /// For stores reading back what they wrote: no validation.
            pub fn from_trusted(value: String) -> Self {
                $name(value)
            }

            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl std::str::FromStr for $name {
            type Err = InvalidId;
            fn from_str(s: &str) -> Result<Self, InvalidId> {
                Self::parse(s)
            }
        }

        impl<'de> serde::Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let s = String::deserialize(d)?;
                Self::parse(&s).map_err(serde::de::Error::custom)
            }
        }
    };
}

prefixed_id!(/// A user.
    UserId, "usr_", "user");
prefixed_id!(/// An organization (workspace).
    OrgId, "org_", "organization");
prefixed_id!(/// A browser sign-in session.
    SessionId, "ses_", "session");
prefixed_id!(/// An application (OAuth client).
    ClientId, "cli_", "client");
prefixed_id!(/// A role.
    RoleId, "rol_", "role");
prefixed_id!(/// A signing key; also its JWK `kid`.
    KeyId, "key_", "signing key");
prefixed_id!(/// A refresh-token rotation family.
    FamilyId, "rtf_", "refresh token family");
prefixed_id!(/// A one-time token: email code, magic link, invitation.
    OneTimeTokenId, "ott_", "one-time token");
impl OneTimeTokenId {
    /// An id derived from `digest` rather than drawn at random, for a token that must exist at
    /// most once per derived value (a SAML assertion: issuing it twice is a conflict).
    pub fn derived(digest: [u8; 16]) -> Self {
        let body = ulid::Ulid::from(u128::from_be_bytes(digest))
            .to_string()
            .to_ascii_lowercase();
        OneTimeTokenId(format!("{}{body}", Self::PREFIX))
    }
}

prefixed_id!(/// A client secret, so one of two can be revoked by name.
    SecretId, "sec_", "client secret");
prefixed_id!(/// An invitation to join an organization.
    InvitationId, "inv_", "invitation");
prefixed_id!(/// A connection to an upstream identity provider (enterprise SSO or social).
    ConnectionId, "con_", "connection");
prefixed_id!(/// A SCIM directory of an organization.
    DirectoryId, "dir_", "directory");
prefixed_id!(/// A SCIM resource (User or Group) of a directory.
    ScimId, "scm_", "SCIM resource");
prefixed_id!(/// A resource server (an API or MCP server) tokens may be issued for.
    ResourceId, "res_", "resource");

#[cfg(test)]
mod tests {
    use super::*;
    use crate::clock::{ManualClock, Timestamp};
    use crate::rng::SystemRng;

    #[test]
    fn generated_ids_round_trip_and_sort_by_time() {
        let clock = ManualClock::new(Timestamp(1_700_000_000));
        let first = UserId::generate(&clock, &SystemRng);
        clock.advance(std::time::Duration::from_secs(1));
        let second = UserId::generate(&clock, &SystemRng);
        assert!(first.as_str().starts_with("usr_"));
        assert_eq!(first.as_str().len(), 30);
        assert_eq!(UserId::parse(first.as_str()), Ok(first.clone()));
        assert!(first < second);
    }

    #[test]
    fn wrong_prefix_or_body_is_refused() {
        let org = OrgId::generate(&ManualClock::starting_now(), &SystemRng);
        let err = UserId::parse(org.as_str()).unwrap_err();
        assert!(err.to_string().contains("not a valid user id"));
        assert!(UserId::parse("usr_short").is_err());
        assert!(UserId::parse("usr_01ARZ3NDEKTSV4RRFFQ69G5FAV").is_err(), "uppercase");
        assert!(UserId::parse("usr_01arz3ndektsv4rrffq69g5fav").is_ok());
    }
}
