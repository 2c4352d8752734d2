//! Which deployment to work on: the names come from the CloudFormation
//! stack's outputs (`--stack`), or are given one by one (`--table`,
//! `--user-pool-id`, `--site-url`); a flag given wins over the output.

use crate::aws;
use anyhow::{Context, bail};
use aws_config::SdkConfig;
use aws_sdk_cloudformation::error::ProvideErrorMetadata;
use std::collections::HashMap;

/// Stack output naming the DynamoDB table (infra/template.yaml).
pub const TABLE_OUTPUT: &str = "TableName";
/// Stack output naming the Cognito user pool staff and owners sign in to.
pub const USER_POOL_OUTPUT: &str = "StaffUserPoolId";
/// Stack output with the diner site's base URL; table links hang off it.
pub const SITE_URL_OUTPUT: &str = "SiteUrl";

#[derive(clap::Args, Debug, Clone)]
pub struct TargetArgs {
    /// The CloudFormation stack `sam deploy` created (samconfig.toml's
    /// stack_name, "tabletap" by default); its outputs name the table, the
    /// user pool and the site.
    #[arg(long, env = "TABLETAP_STACK", global = true)]
    pub stack: Option<String>,
    /// The DynamoDB table, instead of the stack's TableName output.
    #[arg(long, env = "TABLETAP_TABLE_NAME", global = true)]
    pub table: Option<String>,
    /// The Cognito user pool id, instead of the stack's StaffUserPoolId output.
    #[arg(long, env = "TABLETAP_USER_POOL_ID", global = true)]
    pub user_pool_id: Option<String>,
}

/// The resolved names; a missing one is only an error for a command that
/// needs it.
#[derive(Debug, Clone)]
pub struct Target {
    pub stack: Option<String>,
    pub table: Option<String>,
    pub user_pool_id: Option<String>,
    pub site_url: Option<String>,
    pub region: String,
}

impl Target {
    pub async fn resolve(config: &SdkConfig, args: &TargetArgs) -> anyhow::Result<Self> {
        let mut target = Target {
            stack: args.stack.clone(),
            table: args.table.clone(),
            user_pool_id: args.user_pool_id.clone(),
            site_url: None,
            region: aws::region(config),
        };
        if let Some(stack) = &args.stack {
            let mut outputs = stack_outputs(config, stack).await?;
            target.table = target.table.or_else(|| outputs.remove(TABLE_OUTPUT));
            target.user_pool_id = target
                .user_pool_id
                .or_else(|| outputs.remove(USER_POOL_OUTPUT));
            target.site_url = outputs.remove(SITE_URL_OUTPUT);
        }
        Ok(target)
    }

    pub fn table(&self) -> anyhow::Result<&str> {
        match (&self.table, &self.stack) {
            (Some(table), _) => Ok(table),
            (None, Some(stack)) => bail!(
                "stack {stack} has no output {TABLE_OUTPUT}: is it a TableTap stack? \
                 Pass --table NAME to name the DynamoDB table yourself"
            ),
            (None, None) => bail!(
                "which deployment? Pass --stack NAME (the stack sam deploy created, \
                 see samconfig.toml) or --table NAME (the DynamoDB table)"
            ),
        }
    }

    pub fn user_pool_id(&self) -> anyhow::Result<&str> {
        match (&self.user_pool_id, &self.stack) {
            (Some(pool), _) => Ok(pool),
            (None, Some(stack)) => bail!(
                "stack {stack} has no output {USER_POOL_OUTPUT}: deploy a template with \
                 the staff sign-in (its Cognito user pool), or pass --user-pool-id ID"
            ),
            (None, None) => bail!(
                "which user pool? Pass --stack NAME (its output {USER_POOL_OUTPUT}) \
                 or --user-pool-id ID (Cognito console, or \
                 aws cognito-idp list-user-pools --max-results 20)"
            ),
        }
    }

    /// The site's base URL: `--site-url`, else the stack's SiteUrl output.
    pub fn site_url(&self, given: Option<&str>) -> anyhow::Result<String> {
        let url = match (given, &self.site_url) {
            (Some(url), _) => url.to_owned(),
            (None, Some(url)) => url.clone(),
            (None, None) => bail!(
                "which site do the links point to? Pass --site-url https://... \
                 (the diner site's address), or --stack NAME to use its {SITE_URL_OUTPUT} output"
            ),
        };
        if !(url.starts_with("https://") || url.starts_with("http://")) {
            bail!("--site-url {url:?} must start with https:// (or http:// for a test)");
        }
        Ok(url.trim_end_matches('/').to_owned())
    }
}

async fn stack_outputs(config: &SdkConfig, stack: &str) -> anyhow::Result<HashMap<String, String>> {
    let client = aws_sdk_cloudformation::Client::new(config);
    let described = match client.describe_stacks().stack_name(stack).send().await {
        Ok(described) => described,
        Err(error)
            if error.code() == Some("ValidationError")
                && error
                    .message()
                    .is_some_and(|m| m.contains("does not exist")) =>
        {
            bail!(
                "there is no CloudFormation stack {stack:?} in region {}: check --stack \
                 (samconfig.toml's stack_name) and --region (or AWS_REGION / the profile's region)",
                aws::region(config)
            )
        }
        Err(error) => return Err(aws::explain(&format!("describe stack {stack}"), error)),
    };
    let found = described
        .stacks()
        .first()
        .with_context(|| format!("CloudFormation returned no stack for {stack:?}"))?;
    Ok(found
        .outputs()
        .iter()
        .filter_map(|o| Some((o.output_key()?.to_owned(), o.output_value()?.to_owned())))
        .collect())
}
