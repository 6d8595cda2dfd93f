use serde::{Deserialize, Serialize};

/// The error body of the token endpoint (RFC 6749 §5.2) and of the management
/// API: a stable machine code and a sentence for the developer reading it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ErrorBody {
    pub error: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error_description: Option<String>,
}

impl ErrorBody {
    pub fn new(error: impl Into<String>, description: impl Into<String>) -> Self {
        ErrorBody {
            error: error.into(),
            error_description: Some(description.into()),
        }
    }
}
