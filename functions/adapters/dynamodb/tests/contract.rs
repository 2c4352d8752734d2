//! The shared store contract, run against Amazon DynamoDB Local. Each check
//! gets its own freshly created table.
//!
//! Needs DynamoDB Local running; the checks fail (never skip) without it:
//!   export TABLETAP_DYNAMODB_ENDPOINT=$(scripts/lib/dynamodb-local.sh start)
//!   cargo test -p tabletap-store-dynamodb

use tabletap_store_dynamodb::local::fresh_test_store;

tabletap_store_contract::store_contract_tests!(fresh_test_store("tabletap-contract"));
