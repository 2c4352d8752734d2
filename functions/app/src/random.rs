//! Random bytes from the operating system for ids and secrets.

use tabletap_core::token::{AccessToken, TOKEN_BYTES, TableToken};

fn random_bytes<const N: usize>() -> [u8; N] {
    let mut bytes = [0u8; N];
    // The OS generator failing means the machine cannot make secrets at all;
    // carrying on would be worse than stopping.
    getrandom::fill(&mut bytes).expect("the operating system's random generator failed");
    bytes
}

pub fn table_token() -> TableToken {
    TableToken::from_random_bytes(random_bytes::<TOKEN_BYTES>())
}

pub fn access_token() -> AccessToken {
    AccessToken::from_random_bytes(random_bytes::<TOKEN_BYTES>())
}

/// 80 random bits for the random part of an order id.
pub fn order_id_entropy() -> u128 {
    let bytes = random_bytes::<16>();
    u128::from_le_bytes(bytes) >> 48
}

/// 128 random bits as hex, for the idempotency record's token salt.
pub fn salt() -> String {
    random_bytes::<16>()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}
