//! The Hallpass server: the only crate that knows HTTP. Handlers extract and
//! validate input, call one `hallpass-core` service, and map the result.

pub mod admin;
pub mod api;
pub mod cli;
pub mod commands;
pub mod config;
pub mod http;
pub mod logging;
pub mod mail;
pub mod mail_queue;
pub mod oauth;
pub mod output;
pub mod pages;
pub mod provider;
pub mod router;
pub mod scim;
pub mod startup;
pub mod state;
pub mod views;
