//! The `hallpass` command line: clients, users, config, with `--json`.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod support;

use support::*;
use tokio::io::AsyncWriteExt;

#[tokio::test]
async fn clients_are_created_listed_shown_and_deleted() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let created = run_ok_json(
        d,
        &[
            "clients",
            "create",
            "--name",
            "Demo",
            "--redirect-uri",
            "http://localhost:3000/callback",
            "--post-logout-redirect-uri",
            "http://localhost:3000/",
            "--json",
        ],
    )
    .await;
    let id = created["client_id"].as_str().unwrap().to_owned();
    assert!(id.starts_with("cli_"));
    assert!(created["client_secret"].as_str().unwrap().len() >= 43);
    assert_eq!(created["redirect_uris"][0], "http://localhost:3000/callback");

    let public = run_ok_json(
        d,
        &[
            "clients",
            "create",
            "--name",
            "SPA",
            "--public",
            "--redirect-uri",
            "https://spa.example.com/cb",
            "--json",
        ],
    )
    .await;
    assert!(public["client_secret"].is_null(), "public clients get no secret");
    let admin = run_ok_json(d, &["clients", "create", "--name", "Ops", "--admin", "--json"]).await;
    assert_eq!(admin["scopes"][0], "hallpass:admin");

    let listed = run_ok_json(d, &["clients", "list", "--json"]).await;
    assert_eq!(listed["data"].as_array().unwrap().len(), 3);
    let shown = run_ok_json(d, &["clients", "show", &id, "--json"]).await;
    assert_eq!(shown["name"], "Demo");
    assert!(shown.get("client_secret").is_none(), "a secret is never shown again");

    assert_eq!(shown["secrets"].as_array().unwrap().len(), 1);
    let second = run_ok_json(d, &["clients", "rotate-secret", &id, "--json"]).await;
    assert_ne!(second["client_secret"], created["client_secret"]);
    let third = run_ok_json(d, &["clients", "rotate-secret", &id, "--json"]).await;
    let secrets = run_ok_json(d, &["clients", "show", &id, "--json"]).await["secrets"].clone();
    let ids: Vec<&str> = secrets
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["secret_id"].as_str().unwrap())
        .collect();
    assert_eq!(
        ids.len(),
        2,
        "at most two secrets: the oldest left at the second rotation"
    );
    assert!(
        ids.contains(&second["secret_id"].as_str().unwrap()) && ids.contains(&third["secret_id"].as_str().unwrap())
    );
    run_ok_json(
        d,
        &[
            "clients",
            "delete-secret",
            &id,
            second["secret_id"].as_str().unwrap(),
            "--json",
        ],
    )
    .await;
    assert_clean_failure(
        &run(
            d,
            &["clients", "delete-secret", &id, third["secret_id"].as_str().unwrap()],
        )
        .await,
        "only secret",
    );

    let updated = run_ok_json(
        d,
        &[
            "clients",
            "update",
            &id,
            "--name",
            "Demo 2",
            "--redirect-uri",
            "http://localhost:4000/cb",
            "--access-token-ttl",
            "600",
            "--json",
        ],
    )
    .await;
    assert_eq!(updated["name"], "Demo 2");
    assert_eq!(
        updated["redirect_uris"],
        serde_json::json!(["http://localhost:4000/cb"])
    );
    assert_eq!(
        updated["post_logout_redirect_uris"],
        serde_json::json!(["http://localhost:3000/"]),
        "untouched"
    );
    assert_eq!(updated["access_token_ttl_secs"], 600);
    assert_clean_failure(
        &run(
            d,
            &["clients", "update", &id, "--redirect-uri", "ftp://x.example.com/cb"],
        )
        .await,
        "redirect",
    );
    let unchanged = run_ok_json(d, &["clients", "show", &id, "--json"]).await;
    assert_eq!(
        unchanged["redirect_uris"],
        serde_json::json!(["http://localhost:4000/cb"]),
        "a refused update changes nothing"
    );

    run_ok_json(d, &["clients", "delete", &id, "--json"]).await;
    assert_clean_failure(&run(d, &["clients", "show", &id]).await, "client not found");
    assert_clean_failure(&run(d, &["clients", "delete", &id]).await, "client not found");
}

#[tokio::test]
async fn bad_client_input_is_refused_and_creates_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let cases: &[(&[&str], &str)] = &[
        (&["--redirect-uri", "https://app.example.com/cb#frag"], "fragment"),
        (&["--redirect-uri", "http://app.example.com/cb"], "loopback"),
        (&["--redirect-uri", "https://*.example.com/cb"], "wildcard"),
        (&[], "redirect_uri"),
        (
            &["--redirect-uri", "https://a.example.com/cb", "--id-token-alg", "none"],
            "none",
        ),
        (
            &["--redirect-uri", "https://a.example.com/cb", "--access-token-ttl", "5"],
            "access_token_ttl",
        ),
        (&["--public", "--admin"], "public client"),
    ];
    for (args, needle) in cases {
        let mut all = vec!["clients", "create", "--name", "Bad"];
        all.extend_from_slice(args);
        assert_clean_failure(&run(d, &all).await, needle);
    }
    let listed = run_ok_json(d, &["clients", "list", "--json"]).await;
    assert!(listed["data"].as_array().unwrap().is_empty());
    assert_clean_failure(
        &run(d, &["clients", "show", "usr_01arz3ndektsv4rrffq69g5fav"]).await,
        "not a valid client id",
    );
}

#[tokio::test]
async fn production_issuers_refuse_plain_http_redirects() {
    let dir = tempfile::tempdir().unwrap();
    let out = hallpass(dir.path())
        .args([
            "clients",
            "create",
            "--name",
            "App",
            "--redirect-uri",
            "http://localhost:3000/cb",
        ])
        .env("HALLPASS_ISSUER", "https://auth.example.com")
        .output()
        .await
        .unwrap();
    assert_clean_failure(&out, "development mode");
    let native = hallpass(dir.path())
        .args([
            "clients",
            "create",
            "--name",
            "CLI",
            "--public",
            "--native",
            "--redirect-uri",
            "http://127.0.0.1/cb",
            "--json",
        ])
        .env("HALLPASS_ISSUER", "https://auth.example.com")
        .output()
        .await
        .unwrap();
    assert!(
        native.status.success(),
        "native apps may use loopback (RFC 8252): {}",
        String::from_utf8_lossy(&native.stderr)
    );
}

#[tokio::test]
async fn users_are_created_with_passwords_and_unique_emails() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let mut child = hallpass(d)
        .args([
            "users",
            "create",
            "--email",
            "Ada@Example.com",
            "--name",
            "Ada",
            "--password-stdin",
            "--json",
        ])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(b"correct horse battery\n")
        .await
        .unwrap();
    let out = child.wait_with_output().await.unwrap();
    assert!(out.status.success());
    let user: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(user["id"].as_str().unwrap().starts_with("usr_"));
    assert_eq!(user["email"], "Ada@Example.com");
    assert_eq!(user["has_password"], true);
    assert!(user.get("password_hash").is_none());

    assert_clean_failure(
        &run(d, &["users", "create", "--email", "ada@example.COM"]).await,
        "email is already taken",
    );
    assert_clean_failure(
        &run(d, &["users", "create", "--email", "not-an-email"]).await,
        "not a valid email",
    );
    let found = run_ok_json(d, &["users", "list", "--email", "ADA@example.com", "--json"]).await;
    assert_eq!(found["data"][0]["id"], user["id"]);
    run_ok_json(
        d,
        &[
            "users",
            "create",
            "--email",
            "grace@example.com",
            "--email-verified",
            "--json",
        ],
    )
    .await;
    let page = run_ok_json(d, &["users", "list", "--limit", "1", "--json"]).await;
    assert_eq!(page["data"].as_array().unwrap().len(), 1);
    let next = page["next_cursor"].as_str().unwrap();
    let rest = run_ok_json(d, &["users", "list", "--limit", "1", "--after", next, "--json"]).await;
    assert_eq!(rest["data"][0]["email"], "grace@example.com");
}

#[tokio::test]
async fn config_show_masks_secrets_and_reports_layers() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("hallpass.toml"),
        "listen = \"127.0.0.1:9000\"\n[tokens]\naccess_token_ttl_secs = 120\n",
    )
    .unwrap();
    let key = "ab".repeat(32);
    let out = hallpass(dir.path())
        .args(["config", "--show", "--json", "--config", "hallpass.toml"])
        .env("HALLPASS_MASTER_KEY", &key)
        .env("HALLPASS_SMTP_URL", "smtp://mailer:hunter2@mail.example.com:587")
        .env("HALLPASS_TOKENS__ACCESS_TOKEN_TTL_SECS", "240")
        .env("HALLPASS_NOT_A_SETTING", "1")
        .output()
        .await
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        !stdout.contains(&key) && !stdout.contains("hunter2"),
        "secrets leak: {stdout}"
    );
    let shown: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(shown["master_key"], "********");
    assert_eq!(shown["smtp_url"], "smtp://mailer:********@mail.example.com:587");
    assert_eq!(shown["listen"], "127.0.0.1:9000");
    assert_eq!(shown["tokens"]["access_token_ttl_secs"], 240);
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("HALLPASS_NOT_A_SETTING"),
        "unknown variables are warned about"
    );

    let text = run(dir.path(), &["config", "--show"]).await;
    assert!(String::from_utf8_lossy(&text.stdout).contains("access_token_ttl_secs = 300"));
}

#[tokio::test]
async fn organizations_roles_members_and_invitations_from_the_command_line() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let org = run_ok_json(d, &["orgs", "create", "--name", "Acme, Inc.", "--json"]).await;
    let org_id = org["id"].as_str().unwrap().to_owned();
    assert_eq!(org["slug"], "acme-inc");
    let role = run_ok_json(
        d,
        &[
            "roles",
            "create",
            "--name",
            "editor",
            "--org",
            &org_id,
            "--permission",
            "docs:write",
            "--json",
        ],
    )
    .await;
    assert_eq!(role["permissions"], serde_json::json!(["docs:write"]));
    let roles = run_ok_json(d, &["roles", "list", "--org", &org_id, "--json"]).await;
    let names: Vec<&str> = roles["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["name"].as_str().unwrap())
        .collect();
    assert_eq!(names.len(), 3, "admin and member, and the custom editor: {names:?}");

    let user = run_ok_json(d, &["users", "create", "--email", "ada@example.com", "--json"]).await;
    let user_id = user["id"].as_str().unwrap().to_owned();
    let first = run_ok_json(d, &["orgs", "add-member", &org_id, &user_id, "--json"]).await;
    assert_eq!(first["roles"], serde_json::json!(["admin"]));
    let changed = run_ok_json(
        d,
        &["orgs", "add-member", &org_id, &user_id, "--role", "editor", "--json"],
    )
    .await;
    assert_eq!(changed["roles"], serde_json::json!(["editor"]));
    let members = run_ok_json(d, &["orgs", "members", &org_id, "--json"]).await;
    assert_eq!(members["data"][0]["user_id"], user_id.as_str());
    let shown = run_ok_json(d, &["users", "show", &user_id, "--json"]).await;
    assert_eq!(shown["memberships"][0]["organization_id"], org_id.as_str());
    let updated = run_ok_json(d, &["users", "update", &user_id, "--name", "Ada L", "--json"]).await;
    assert_eq!(updated["name"], "Ada L");

    let out = run(d, &["orgs", "add-member", &org_id, &user_id, "--role", "ghost"]).await;
    assert_clean_failure(&out, "there is no role `ghost`");
    let out = run(d, &["orgs", "create", "--name", "Acme Inc"]).await;
    assert_clean_failure(&out, "slug is already taken");

    let invited = run(
        d,
        &[
            "invitations",
            "create",
            "--org",
            &org_id,
            "--email",
            "bo@example.com",
            "--json",
        ],
    )
    .await;
    assert!(invited.status.success());
    let stderr = String::from_utf8_lossy(&invited.stderr);
    assert!(
        stderr.contains("/invitations/accept?token="),
        "without SMTP the link is printed: {stderr}"
    );
    let invitation: serde_json::Value = serde_json::from_slice(&invited.stdout).unwrap();
    let invitation_id = invitation["id"].as_str().unwrap();
    let listed = run_ok_json(d, &["invitations", "list", "--org", &org_id, "--json"]).await;
    assert_eq!(listed["data"][0]["status"], "pending");
    let revoked = run_ok_json(d, &["invitations", "revoke", "--org", &org_id, invitation_id, "--json"]).await;
    assert_eq!(revoked["status"], "revoked");

    run_ok_json(d, &["orgs", "remove-member", &org_id, &user_id, "--json"]).await;
    let deleted = run_ok_json(d, &["users", "delete", &user_id, "--json"]).await;
    assert_eq!(deleted["deleted"], user_id.as_str());
    let out = run(d, &["users", "show", &user_id]).await;
    assert_clean_failure(&out, "user not found");
}

#[tokio::test]
async fn connections_are_created_listed_shown_updated_and_deleted() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let org = run_ok_json(d, &["orgs", "create", "--name", "Acme", "--json"]).await;
    let org = org["id"].as_str().unwrap();
    let create = [
        "connections",
        "create",
        "--type",
        "oidc",
        "--org",
        org,
        "--name",
        "Acme Okta",
        "--issuer",
        "https://acme.okta.example",
        "--client-id",
        "hp",
        "--client-secret-stdin",
        "--domain",
        "acme.test",
        "--json",
    ];
    let created = run_json_with(d, &[], &create, "upstream-secret\n").await;
    let id = created["id"].as_str().unwrap().to_owned();
    assert!(id.starts_with("con_"));
    assert_eq!(created["organization_id"], org);
    assert!(created["redirect_uri"]
        .as_str()
        .unwrap()
        .ends_with(&format!("/login/sso/{id}/callback")));
    assert!(!created.to_string().contains("upstream-secret"), "never printed");

    let listed = run_ok_json(d, &["connections", "list", "--org", org, "--json"]).await;
    assert_eq!(listed["data"][0]["id"], id.as_str());
    assert_eq!(
        run_ok_json(d, &["connections", "list", "--json"]).await["data"],
        serde_json::json!([])
    );
    let updated = run_ok_json(
        d,
        &[
            "connections",
            "update",
            &id,
            "--domain",
            "acme.example",
            "--sso-required",
            "true",
            "--json",
        ],
    )
    .await;
    assert_eq!(updated["domains"], serde_json::json!(["acme.example"]));
    assert_eq!(updated["sso_required"], true);
    assert_eq!(run_ok_json(d, &["connections", "show", &id, "--json"]).await, updated);

    // Without a secret, nothing is made, and the error names the field.
    let out = run(
        d,
        &[
            "connections",
            "create",
            "--type",
            "google",
            "--name",
            "G",
            "--client-id",
            "g",
        ],
    )
    .await;
    assert_clean_failure(&out, "client_secret");

    run_ok_json(d, &["connections", "delete", &id, "--json"]).await;
    let gone = run(d, &["connections", "show", &id]).await;
    assert_clean_failure(&gone, "connection not found");
}

#[tokio::test]
async fn a_saml_connection_from_the_command_line_takes_metadata_or_its_parts() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let fixtures = concat!(env!("CARGO_MANIFEST_DIR"), "/../hallpass-saml/tests/fixtures");
    let org = run_ok_json(d, &["orgs", "create", "--name", "Acme", "--json"]).await;
    let org = org["id"].as_str().unwrap();
    let metadata = format!("{fixtures}/idp_metadata.xml");
    let created = run_ok_json(
        d,
        &[
            "connections",
            "create",
            "--type",
            "saml",
            "--org",
            org,
            "--name",
            "Acme Okta",
            "--idp-metadata-file",
            &metadata,
            "--domain",
            "acme.test",
            "--json",
        ],
    )
    .await;
    let id = created["id"].as_str().unwrap();
    assert_eq!(created["type"], "saml");
    assert!(created["acs_url"]
        .as_str()
        .unwrap()
        .ends_with(&format!("/saml/{id}/acs")));
    assert!(created["sp_metadata_url"]
        .as_str()
        .unwrap()
        .ends_with(&format!("/saml/{id}/metadata")));
    assert_eq!(created["idp_entity_id"], "https://idp.example.test/idp");

    // A file that is not a certificate: refused naming the field, nothing made.
    let bad = d.join("bad.pem");
    std::fs::write(&bad, "-----BEGIN CERTIFICATE-----\nnope\n-----END CERTIFICATE-----\n").unwrap();
    let out = run(
        d,
        &[
            "connections",
            "create",
            "--type",
            "saml",
            "--org",
            org,
            "--name",
            "Other",
            "--idp-entity-id",
            "https://idp.other.test",
            "--idp-sso-url",
            "https://idp.other.test/sso",
            "--idp-certificate-file",
            bad.to_str().unwrap(),
        ],
    )
    .await;
    assert_clean_failure(&out, "idp_certificate");
    let listed = run_ok_json(d, &["connections", "list", "--org", org, "--json"]).await;
    assert_eq!(listed["data"].as_array().unwrap().len(), 1);

    // Its own key pair from files: the certificate shown, the key never; a mismatch refused.
    let (key, cert, other) = (
        format!("{fixtures}/sp.key"),
        format!("{fixtures}/sp.crt"),
        format!("{fixtures}/other.key"),
    );
    let pair = |key: &str| {
        [
            "connections",
            "update",
            id,
            "--sp-private-key-file",
            key,
            "--sp-certificate-file",
            &cert,
            "--sign-authn-requests",
            "true",
            "--json",
        ]
        .map(str::to_owned)
    };
    let mismatch = pair(&other);
    let out = run(d, &mismatch.each_ref().map(String::as_str)).await;
    assert_clean_failure(&out, "sp_private_key");
    let keyed = pair(&key);
    let keyed = run_ok_json(d, &keyed.each_ref().map(String::as_str)).await;
    assert_eq!(keyed["sign_authn_requests"], true);
    assert!(keyed["sp_certificate"].as_str().is_some_and(|c| c.starts_with("MII")));
    let key_line = std::fs::read_to_string(&key)
        .unwrap()
        .lines()
        .nth(1)
        .unwrap()
        .to_owned();
    assert!(!keyed.to_string().contains(&key_line), "the key is never printed");
}

#[tokio::test]
async fn scim_directories_from_the_command_line() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let org = run_ok_json(d, &["orgs", "create", "--name", "Acme", "--json"]).await;
    let org_id = org["id"].as_str().unwrap().to_owned();
    let made = run_ok_json(
        d,
        &[
            "directories",
            "create",
            "--org",
            &org_id,
            "--name",
            "Okta",
            "--group-role",
            "Admins=admin",
            "--json",
        ],
    )
    .await;
    let id = made["id"].as_str().unwrap().to_owned();
    assert!(made["scim_base_url"]
        .as_str()
        .unwrap()
        .ends_with(&format!("/scim/v2/{id}")));
    assert_eq!(made["group_roles"], serde_json::json!({ "Admins": "admin" }));
    let token = made["bearer_token"].as_str().unwrap().to_owned();
    let shown = run_ok_json(d, &["directories", "get", &id, "--json"]).await;
    assert!(shown.get("bearer_token").is_none(), "shown once");
    let listed = run_ok_json(d, &["directories", "list", "--org", &org_id, "--json"]).await;
    assert_eq!(listed["data"].as_array().unwrap().len(), 1);
    let rotated = run_ok_json(d, &["directories", "rotate-token", &id, "--json"]).await;
    assert_ne!(rotated["bearer_token"].as_str().unwrap(), token);
    let bad = run(
        d,
        &[
            "directories",
            "create",
            "--org",
            &org_id,
            "--name",
            "x",
            "--group-role",
            "Eng=wizard",
        ],
    )
    .await;
    assert_clean_failure(&bad, "there is no role `wizard`");
    let deleted = run_ok_json(d, &["directories", "delete", &id, "--json"]).await;
    assert_eq!(deleted["deleted"], id.as_str());
    let out = run(d, &["directories", "get", &id]).await;
    assert_clean_failure(&out, "directory not found");
}

#[tokio::test]
async fn resources_are_created_listed_updated_and_deleted_and_bad_ones_refused() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let created = run_ok_json(
        d,
        &[
            "resources",
            "create",
            "--identifier",
            "https://mcp.example.com/mcp",
            "--name",
            "Tools",
            "--scope",
            "mcp:tools",
            "--scope",
            "mcp:read",
            "--json",
        ],
    )
    .await;
    let id = created["id"].as_str().unwrap().to_owned();
    assert!(id.starts_with("res_"));
    assert_eq!(created["scopes"], serde_json::json!(["mcp:tools", "mcp:read"]));
    let updated = run_ok_json(d, &["resources", "update", &id, "--scope", "mcp:tools", "--json"]).await;
    assert_eq!(updated["scopes"], serde_json::json!(["mcp:tools"]));
    assert_eq!(updated["name"], "Tools");
    let listed = run_ok_json(d, &["resources", "list", "--json"]).await;
    assert_eq!(listed["data"].as_array().unwrap().len(), 1);
    assert_clean_failure(
        &run(
            d,
            &[
                "resources",
                "create",
                "--identifier",
                "https://mcp.example.com/mcp",
                "--name",
                "Again",
            ],
        )
        .await,
        "identifier",
    );
    assert_clean_failure(
        &run(
            d,
            &[
                "resources",
                "create",
                "--identifier",
                "http://mcp.example.com/mcp",
                "--name",
                "Plain",
            ],
        )
        .await,
        "https",
    );
    run_ok_json(d, &["resources", "delete", &id, "--json"]).await;
    let listed = run_ok_json(d, &["resources", "list", "--json"]).await;
    assert!(listed["data"].as_array().unwrap().is_empty());
}

#[tokio::test]
async fn sign_in_settings_are_shown_set_reset_and_bad_ones_refused() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let shown = run_ok_json(d, &["settings", "show", "--json"]).await;
    assert_eq!(shown["branding"]["product_name"], "Hallpass");
    assert_eq!(shown["overridden"], serde_json::json!([]));

    let set = run_ok_json(
        d,
        &[
            "settings",
            "set",
            "--product-name",
            "Acme",
            "--primary-color",
            "#112233",
            "--disable",
            "magic_link",
            "--json",
        ],
    )
    .await;
    assert_eq!(set["branding"]["product_name"], "Acme");
    assert_eq!(set["branding"]["primary_color"], "#112233");
    assert_eq!(set["methods"]["magic_link"], false);
    let human = run(d, &["settings", "show"]).await;
    let text = String::from_utf8_lossy(&human.stdout);
    assert!(
        text.contains("Acme  (stored)") && text.contains("magic link      off  (stored)"),
        "{text}"
    );
    assert!(text.contains("password        on  (configured)"), "{text}");

    let cases: &[(&[&str], &str)] = &[
        (&["--primary-color", "blue"], "primary_color"),
        (&["--logo-url", "http://cdn.acme.test/logo.png"], "logo_url"),
        (&["--support-email", "nobody"], "support_email"),
        (&["--disable", "password", "--disable", "email_code"], "methods"),
        (&["--enable", "password", "--disable", "password"], "password"),
        (&["--product-name", "X", "--reset", "product_name"], "choose one"),
        (&["--disable", "sms"], "sms"),
    ];
    for (args, needle) in cases {
        let mut all = vec!["settings", "set"];
        all.extend_from_slice(args);
        assert_clean_failure(&run(d, &all).await, needle);
    }
    let unchanged = run_ok_json(d, &["settings", "show", "--json"]).await;
    assert_eq!(unchanged, set, "refused changes change nothing");

    let reset = run_ok_json(
        d,
        &[
            "settings",
            "set",
            "--reset",
            "product_name",
            "--reset",
            "magic_link",
            "--json",
        ],
    )
    .await;
    assert_eq!(reset["branding"]["product_name"], "Hallpass");
    assert_eq!(reset["methods"]["magic_link"], true);
    assert_eq!(reset["overridden"], serde_json::json!(["branding.primary_color"]));
}
