//! What every handler shares: built once per process (per Lambda cold
//! start), then borrowed by each request.

use crate::cors::Cors;
use std::sync::Arc;
use tabletap_app::ports::{Clock, Store};

#[derive(Clone)]
pub struct AppState {
    pub store: Arc<dyn Store>,
    pub clock: Arc<dyn Clock>,
    pub cors: Cors,
}
