use crate::Error;
use url::Url;

/// An RP-initiated logout (OpenID RP-Initiated Logout 1.0): send the browser
/// to `url()` as a top-level navigation.
#[derive(Debug, Clone)]
pub struct LogoutRequest {
    pub issuer: String,
    pub id_token_hint: Option<String>,
    pub client_id: Option<String>,
    pub post_logout_redirect_uri: Option<String>,
    pub state: Option<String>,
}

impl LogoutRequest {
    pub fn url(&self) -> Result<String, Error> {
        let mut url = Url::parse(&format!("{}/oidc/logout", self.issuer.trim_end_matches('/')))?;
        {
            let mut query = url.query_pairs_mut();
            let params = [
                ("id_token_hint", &self.id_token_hint),
                ("client_id", &self.client_id),
                ("post_logout_redirect_uri", &self.post_logout_redirect_uri),
                ("state", &self.state),
            ];
            for (name, value) in params {
                if let Some(value) = value {
                    query.append_pair(name, value);
                }
            }
        }
        Ok(url.into())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn includes_only_what_is_given() {
        let request = LogoutRequest {
            issuer: "http://localhost:8080".into(),
            id_token_hint: Some("eyJ.x.y".into()),
            client_id: None,
            post_logout_redirect_uri: Some("http://localhost:3000/".into()),
            state: None,
        };
        assert_eq!(
            request.url().unwrap(),
            "http://localhost:8080/oidc/logout?id_token_hint=eyJ.x.y&post_logout_redirect_uri=http%3A%2F%2Flocalhost%3A3000%2F"
        );
    }
}
