//! The shared store contract, run against the embedded store.

use tabletap_store_embedded::EmbeddedStore;

async fn fresh_store() -> EmbeddedStore {
    EmbeddedStore::in_memory().expect("in-memory store")
}

tabletap_store_contract::store_contract_tests!(fresh_store());
