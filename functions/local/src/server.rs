//! The HTTP server: the API under `/api`, the site everywhere else.

use crate::cli::ServeArgs;
use crate::http_bridge::{api_method_not_allowed, api_not_found, preflight, serve_route};
use crate::seed;
use anyhow::Context;
use axum::Router;
use axum::response::{IntoResponse, Json, Response};
use axum::routing::{MethodFilter, get, on};
use std::sync::Arc;
use tabletap_api::cors::Cors;
use tabletap_api::{AppState, ROUTES};
use tabletap_app::ports::SystemClock;
use tabletap_store_embedded::EmbeddedStore;
use tower_http::services::{ServeDir, ServeFile};

pub async fn serve(store: EmbeddedStore, args: ServeArgs) -> anyhow::Result<()> {
    let demo = if args.no_demo {
        None
    } else {
        Some(seed::seed_demo_if_empty(&store).await?)
    };
    let listener = tokio::net::TcpListener::bind(args.addr)
        .await
        .with_context(|| {
            format!(
                "cannot listen on {} (is another server running there? try --addr 127.0.0.1:0)",
                args.addr
            )
        })?;
    let local = listener.local_addr()?;
    let public_url = args
        .public_url
        .clone()
        .unwrap_or_else(|| format!("http://{local}"));

    let state = AppState {
        store: Arc::new(store.clone()),
        clock: Arc::new(SystemClock),
        cors: Cors::from_list(&args.allowed_origins),
    };
    let app = router(state, &args);

    if let Some(demo) = demo {
        println!("Order from a table of the demo restaurant:");
        seed::print_table_links(&store, &demo, &public_url).await?;
    }
    // Printed last: scripts and the test harness wait for this exact line.
    println!("TableTap is listening on http://{local}");
    if !args.site_dir.join("index.html").exists() {
        tracing::warn!(site = %args.site_dir.display(), "no site found there: only the API is served (run from the repository root or set TABLETAP_SITE_DIR)");
    }
    axum::serve(listener, app)
        .with_graceful_shutdown(shutdown_signal())
        .await
        .context("the server stopped with an error")?;
    println!("TableTap stopped; data kept.");
    Ok(())
}

fn router(state: AppState, args: &ServeArgs) -> Router {
    let mut api = Router::new();
    for route in ROUTES {
        let filter = MethodFilter::try_from(route.method()).expect("routes use GET or POST");
        api = api.route(
            route.path(),
            on(filter, move |state, params, request| {
                serve_route(route, state, params, request)
            })
            .options(preflight)
            .fallback(api_method_not_allowed),
        );
    }
    let api = api.fallback(api_not_found).with_state(state.clone());

    // Table links and the takeout page are client-side pages of the site.
    let index = args.site_dir.join("index.html");
    let site = ServeDir::new(&args.site_dir).fallback(ServeFile::new(&index));
    Router::new()
        .nest("/api", api)
        .route("/config.json", get(site_config))
        .fallback_service(site)
        .with_state(state)
}

/// The site's runtime configuration (in AWS, a file written at deploy).
async fn site_config() -> Response {
    Json(serde_json::json!({ "apiBaseUrl": "/api", "stripePublishableKey": null, "mode": "local" }))
        .into_response()
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        if let Ok(mut signal) =
            tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
        {
            signal.recv().await;
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {},
        _ = terminate => {},
    }
}
