use crate::config::Config;

/// Prints the effective configuration; `Secret` values serialize masked.
pub fn run(config: &Config, json: bool) -> anyhow::Result<()> {
    if json {
        println!("{}", serde_json::to_string_pretty(config)?);
    } else {
        print!("{}", toml::to_string_pretty(config)?);
    }
    Ok(())
}
