//! The stack's DynamoDB table through the same store adapter the Lambda
//! functions use, checked to exist before anything is written.

use crate::aws;
use anyhow::bail;
use aws_config::SdkConfig;
use aws_sdk_dynamodb::error::ProvideErrorMetadata;
use tabletap_store_dynamodb::DynamoDbStore;

pub async fn open(config: &SdkConfig, table: &str, region: &str) -> anyhow::Result<DynamoDbStore> {
    let client = aws_sdk_dynamodb::Client::new(config);
    match client.describe_table().table_name(table).send().await {
        Ok(_) => Ok(DynamoDbStore::new(client, table)),
        Err(error) if error.code() == Some("ResourceNotFoundException") => bail!(
            "there is no DynamoDB table {table:?} in region {region}: check --table, or --stack \
             and --region (the stack's output TableName names it; `sam deploy` creates it)"
        ),
        Err(error) => Err(aws::explain(&format!("read DynamoDB table {table}"), error)),
    }
}
