use crate::Error;
use url::Url;

/// An RP-initiated logout URL (OpenID RP-Initiated Logout 1.0), for a
/// top-level navigation. Only the parameters given are included.
pub(crate) fn url(
    end_session_endpoint: &str,
    client_id: &str,
    id_token_hint: Option<&str>,
    post_logout_redirect_uri: Option<&str>,
    state: Option<&str>,
) -> Result<String, Error> {
    let mut url = Url::parse(end_session_endpoint)?;
    {
        let mut query = url.query_pairs_mut();
        let params = [
            ("id_token_hint", id_token_hint),
            ("client_id", Some(client_id)),
            ("post_logout_redirect_uri", post_logout_redirect_uri),
            ("state", state),
        ];
        for (name, value) in params {
            if let Some(value) = value {
                query.append_pair(name, value);
            }
        }
    }
    Ok(url.into())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn includes_only_what_is_given() {
        let built = url(
            "http://localhost:8080/oidc/logout",
            "cli_x",
            Some("eyJ.x.y"),
            Some("http://localhost:3000/"),
            None,
        )
        .unwrap();
        assert_eq!(
            built,
            "http://localhost:8080/oidc/logout?id_token_hint=eyJ.x.y&client_id=cli_x&post_logout_redirect_uri=http%3A%2F%2Flocalhost%3A3000%2F"
        );
    }
}
