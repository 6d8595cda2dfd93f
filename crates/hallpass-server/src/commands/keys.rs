use crate::cli::KeysCommand;
use crate::config::Config;
use crate::output::{emit, table};
use crate::startup::{ready_keys, ready_store};
use crate::views;
use hallpass_core::crypto::Algorithm;
use hallpass_core::services::keys;
use hallpass_proto::management::SigningKey;
use serde_json::json;

pub async fn run(config: &Config, command: KeysCommand, json: bool) -> anyhow::Result<()> {
    match command {
        KeysCommand::List => {
            let ctx = ready_store(config, config.migrate).await?;
            let list: Vec<SigningKey> = keys::list_keys(&ctx).await?.iter().map(views::signing_key).collect();
            emit(json, &json!({ "data": list }), |_| {
                table(
                    &["KID", "ALG", "STATUS", "CREATED", "UNPUBLISHED AT"],
                    list.iter()
                        .map(|k| {
                            vec![
                                k.kid.clone(),
                                k.alg.clone(),
                                k.status.clone(),
                                k.created_at.clone(),
                                k.unpublish_at.clone().unwrap_or_default(),
                            ]
                        })
                        .collect(),
                )
            })
        }
        KeysCommand::Rotate { algorithm } => {
            let algorithms = if algorithm.eq_ignore_ascii_case("all") {
                Algorithm::ALL.to_vec()
            } else {
                vec![algorithm.parse::<Algorithm>()?]
            };
            let (ctx, master) = ready_keys(config, config.migrate).await?;
            let mut rotated = Vec::new();
            for algorithm in algorithms {
                let kid = keys::rotate_signing_key(&ctx, &master, algorithm, config.key_policy()).await?;
                rotated.push(json!({ "kid": kid, "alg": algorithm.as_str() }));
            }
            emit(json, &json!({ "rotated": rotated }), |_| {
                rotated
                    .iter()
                    .map(|r| {
                        format!(
                            "new active {} key {}; the previous one stays published until its tokens expire",
                            r["alg"].as_str().unwrap_or_default(),
                            r["kid"].as_str().unwrap_or_default()
                        )
                    })
                    .collect::<Vec<_>>()
                    .join("\n")
            })
        }
    }
}
