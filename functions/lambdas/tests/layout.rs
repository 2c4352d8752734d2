//! Holds the four places that name the deployed functions against each
//! other, so a route added in one and not the others fails here:
//!
//! - the route table, `tabletap_api::ROUTES` (method, path, function name);
//! - the `[[bin]]` list of `functions/lambdas/Cargo.toml`, each bin's `main`
//!   naming its own route;
//! - the SAM template's functions (`BuildProperties.Binary`, `CodeUri`,
//!   `FunctionName`) and their events (HttpApi method and path);
//! - the API contract, `functions/api/openapi.yaml`.
//!
//! Functions that no route serves (fed by a stream or an IoT rule) are
//! listed in `tabletap_lambdas::EVENT_FUNCTIONS`; operations only the local
//! server offers carry `x-tabletap-local-only: true` in openapi.yaml.
//!
//! The check is a pure function over what was read ([`check`]), so the
//! tests at the bottom show it failing on each kind of mismatch.

use serde_norway::Value;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// What every function's `CodeUri` must be: the package, so that `sam
/// build` runs cargo-lambda there and builds only this package (features
/// never unify with the rest of the workspace's members).
const CODE_URI: &str = "../functions/lambdas";

#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
struct HttpRoute {
    method: String,
    path: String,
}

impl std::fmt::Display for HttpRoute {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} {}", self.method, self.path)
    }
}

#[derive(Clone, Debug)]
struct RouteEntry {
    /// `Route`'s variant, as a bin's `main` names it (`Route::GetTable`).
    variant: String,
    http: HttpRoute,
}

#[derive(Clone, Debug, Default)]
struct TemplateFunction {
    logical_id: String,
    build_method: Option<String>,
    code_uri: Option<String>,
    /// `!Sub ${AWS::StackName}-<name>`, as written.
    function_name: Option<String>,
    http_events: Vec<HttpRoute>,
    /// The `Type` of every other event (DynamoDB, IoTRule, ...).
    other_events: Vec<String>,
}

#[derive(Clone, Debug, Default)]
struct Layout {
    /// Function name -> route, from `tabletap_api::ROUTES`.
    routes: BTreeMap<String, RouteEntry>,
    /// Function name -> (event type) for functions no route serves.
    event_functions: BTreeMap<String, String>,
    /// `[[bin]]` name -> the source of its `main`.
    bins: BTreeMap<String, String>,
    /// `BuildProperties.Binary` -> the template function building it.
    template: BTreeMap<String, TemplateFunction>,
    /// Operation -> whether it is marked local-only.
    openapi: BTreeMap<HttpRoute, bool>,
    /// Problems found while reading (duplicates, missing fields).
    read_problems: Vec<String>,
}

fn check(layout: &Layout) -> Vec<String> {
    let mut problems = layout.read_problems.clone();

    for (name, route) in &layout.routes {
        let http = &route.http;
        match layout.bins.get(name) {
            None => problems.push(format!(
                "route {http} ({name}) has no [[bin]] named {name} in functions/lambdas/Cargo.toml"
            )),
            Some(source) => {
                let wanted = format!("const ROUTE: Route = Route::{};", route.variant);
                if !source.contains(&wanted) {
                    problems.push(format!(
                        "bin {name} does not serve its route: its main lacks `{wanted}`"
                    ));
                }
            }
        }
        match layout.template.get(name) {
            None => problems.push(format!(
                "route {http} ({name}) has no function in infra/template.yaml (BuildProperties.Binary: {name})"
            )),
            Some(function) => {
                if function.http_events != [http.clone()] {
                    let found: Vec<String> =
                        function.http_events.iter().map(|e| e.to_string()).collect();
                    problems.push(format!(
                        "template function {} must have exactly one HttpApi event, {http}; it has [{}]",
                        function.logical_id,
                        found.join(", ")
                    ));
                }
                if !function.other_events.is_empty() {
                    problems.push(format!(
                        "template function {} serves {http} but also has events {:?}",
                        function.logical_id, function.other_events
                    ));
                }
            }
        }
        match layout.openapi.get(http) {
            None => problems.push(format!(
                "route {http} ({name}) is missing from functions/api/openapi.yaml"
            )),
            Some(true) => problems.push(format!(
                "route {http} ({name}) is deployed but openapi.yaml marks it x-tabletap-local-only"
            )),
            Some(false) => {}
        }
    }

    for (name, event_type) in &layout.event_functions {
        if layout.routes.contains_key(name) {
            problems.push(format!(
                "{name} is both a route's function and an event function"
            ));
        }
        if !layout.bins.contains_key(name) {
            problems.push(format!(
                "event function {name} has no [[bin]] in functions/lambdas/Cargo.toml"
            ));
        }
        match layout.template.get(name) {
            None => problems.push(format!(
                "event function {name} has no function in infra/template.yaml"
            )),
            Some(function) => {
                if !function.http_events.is_empty() {
                    problems.push(format!(
                        "template function {} is fed by {event_type}, yet has HttpApi events (add a Route instead)",
                        function.logical_id
                    ));
                }
                if function.other_events != [event_type.clone()] {
                    problems.push(format!(
                        "template function {} must have one {event_type} event; it has {:?}",
                        function.logical_id, function.other_events
                    ));
                }
            }
        }
    }

    let known =
        |name: &str| layout.routes.contains_key(name) || layout.event_functions.contains_key(name);
    for name in layout.bins.keys() {
        if !known(name) {
            problems.push(format!(
                "[[bin]] {name} is neither a route's function (tabletap_api::ROUTES) nor in tabletap_lambdas::EVENT_FUNCTIONS"
            ));
        }
    }
    for (binary, function) in &layout.template {
        let id = &function.logical_id;
        if !known(binary) {
            problems.push(format!(
                "template function {id} builds {binary}, which no route or event function names"
            ));
        }
        if function.build_method.as_deref() != Some("rust-cargolambda") {
            problems.push(format!(
                "template function {id}: Metadata.BuildMethod must be rust-cargolambda"
            ));
        }
        if function.code_uri.as_deref() != Some(CODE_URI) {
            problems.push(format!(
                "template function {id}: CodeUri must be {CODE_URI} (found {:?})",
                function.code_uri
            ));
        }
        let wanted_name = format!("${{AWS::StackName}}-{binary}");
        if function.function_name.as_deref() != Some(wanted_name.as_str()) {
            problems.push(format!(
                "template function {id}: FunctionName must be !Sub {wanted_name}"
            ));
        }
    }

    let deployed: Vec<&HttpRoute> = layout.routes.values().map(|r| &r.http).collect();
    for (operation, local_only) in &layout.openapi {
        if !local_only && !deployed.contains(&operation) {
            problems.push(format!(
                "openapi.yaml documents {operation}, which no route serves (mark it x-tabletap-local-only: true if only the local server has it)"
            ));
        }
    }
    problems
}

// ------------------------------------------------------------- reading --

fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn routes() -> BTreeMap<String, RouteEntry> {
    tabletap_api::ROUTES
        .iter()
        .map(|route| {
            (
                route.function_name().to_owned(),
                RouteEntry {
                    variant: format!("{route:?}"),
                    http: HttpRoute {
                        method: route.method().as_str().to_owned(),
                        path: route.path().to_owned(),
                    },
                },
            )
        })
        .collect()
}

fn bins(problems: &mut Vec<String>) -> BTreeMap<String, String> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"));
    let manifest: toml::Table = read(&dir.join("Cargo.toml")).parse().expect("Cargo.toml");
    let mut bins = BTreeMap::new();
    let list = manifest.get("bin").and_then(|b| b.as_array());
    for bin in list.into_iter().flatten() {
        let name = bin["name"].as_str().expect("bin name").to_owned();
        let path = bin["path"].as_str().expect("bin path");
        if bins.insert(name.clone(), read(&dir.join(path))).is_some() {
            problems.push(format!("[[bin]] {name} is declared twice"));
        }
    }
    bins
}

fn tagged<'a>(value: &'a Value, tag: &str) -> Option<&'a Value> {
    match value {
        Value::Tagged(t) if t.tag == tag => Some(&t.value),
        _ => None,
    }
}

fn template_functions(
    text: &str,
    problems: &mut Vec<String>,
) -> BTreeMap<String, TemplateFunction> {
    let template: Value = serde_norway::from_str(text).expect("template.yaml parses");
    let mut functions = BTreeMap::new();
    let resources = template["Resources"].as_mapping().expect("Resources");
    for (id, resource) in resources {
        if resource["Type"].as_str() != Some("AWS::Serverless::Function") {
            continue;
        }
        let id = id.as_str().expect("logical id").to_owned();
        let metadata = &resource["Metadata"];
        let properties = &resource["Properties"];
        let Some(binary) = metadata["BuildProperties"]["Binary"].as_str() else {
            problems.push(format!(
                "template function {id} has no Metadata.BuildProperties.Binary"
            ));
            continue;
        };
        let mut function = TemplateFunction {
            logical_id: id.clone(),
            build_method: metadata["BuildMethod"].as_str().map(str::to_owned),
            code_uri: properties["CodeUri"].as_str().map(str::to_owned),
            function_name: tagged(&properties["FunctionName"], "Sub")
                .and_then(Value::as_str)
                .map(str::to_owned),
            ..TemplateFunction::default()
        };
        if let Some(events) = properties["Events"].as_mapping() {
            for (event_id, event) in events {
                let kind = event["Type"].as_str().unwrap_or_default().to_owned();
                if kind != "HttpApi" {
                    function.other_events.push(kind);
                    continue;
                }
                let p = &event["Properties"];
                if tagged(&p["ApiId"], "Ref").and_then(Value::as_str) != Some("HttpApi") {
                    problems.push(format!(
                        "template function {id}, event {event_id:?}: ApiId must be !Ref HttpApi"
                    ));
                }
                function.http_events.push(HttpRoute {
                    method: p["Method"].as_str().unwrap_or_default().to_uppercase(),
                    path: p["Path"].as_str().unwrap_or_default().to_owned(),
                });
            }
        }
        if let Some(previous) = functions.insert(binary.to_owned(), function) {
            problems.push(format!(
                "template functions {} and {id} both build {binary}",
                previous.logical_id
            ));
        }
    }
    functions
}

fn openapi_operations(text: &str) -> BTreeMap<HttpRoute, bool> {
    let document: Value = serde_norway::from_str(text).expect("openapi.yaml parses");
    let mut operations = BTreeMap::new();
    let paths = document["paths"].as_mapping().expect("paths");
    for (path, item) in paths {
        let path = path.as_str().expect("path");
        for (method, operation) in item.as_mapping().expect("path item") {
            let method = method.as_str().unwrap_or_default();
            if !["get", "put", "post", "delete", "patch", "head", "options"].contains(&method) {
                continue; // parameters, summary, ...
            }
            let local_only = operation["x-tabletap-local-only"].as_bool() == Some(true);
            operations.insert(
                HttpRoute {
                    method: method.to_uppercase(),
                    path: path.to_owned(),
                },
                local_only,
            );
        }
    }
    operations
}

fn real_layout() -> Layout {
    let root = repo_root();
    let mut read_problems = Vec::new();
    let bins = bins(&mut read_problems);
    let template = template_functions(&read(&root.join("infra/template.yaml")), &mut read_problems);
    Layout {
        routes: routes(),
        event_functions: tabletap_lambdas::EVENT_FUNCTIONS
            .iter()
            .map(|f| (f.name.to_owned(), f.event_type.to_owned()))
            .collect(),
        bins,
        template,
        openapi: openapi_operations(&read(&root.join("functions/api/openapi.yaml"))),
        read_problems,
    }
}

fn assert_no_problems(problems: &[String]) {
    assert!(
        problems.is_empty(),
        "the route table, [[bin]]s, template and openapi.yaml disagree:\n  {}",
        problems.join("\n  ")
    );
}

fn assert_found(problems: &[String], needle: &str) {
    assert!(
        problems.iter().any(|p| p.contains(needle)),
        "expected a problem mentioning {needle:?}, got: {problems:#?}"
    );
}

// --------------------------------------------------------------- tests --

#[test]
fn routes_bins_template_and_openapi_agree() {
    assert_no_problems(&check(&real_layout()));
}

#[test]
fn the_layout_read_is_not_empty() {
    // Guards the check against passing because a reader found nothing.
    let layout = real_layout();
    assert_eq!(layout.routes.len(), tabletap_api::ROUTES.len());
    assert!(layout.routes.len() >= 8, "{:?}", layout.routes.keys());
    assert_eq!(
        layout.bins.len(),
        layout.routes.len() + layout.event_functions.len()
    );
    assert_eq!(layout.template.len(), layout.bins.len());
    assert!(layout.openapi.len() > layout.routes.len() - 1);
    let mut local_only: Vec<_> = layout
        .openapi
        .iter()
        .filter(|(_, l)| **l)
        .map(|(route, _)| route.path.as_str())
        .collect();
    local_only.sort();
    assert_eq!(
        local_only,
        [
            "/restaurants/{restaurant_id}/orders/{order_id}/test-payment",
            "/staff/sign-in",
        ],
        "the local-only operations: the test payment and the local sign-in"
    );
}

#[test]
fn a_route_missing_from_the_template_fails() {
    let mut layout = real_layout();
    layout.template.remove("get-table");
    let problems = check(&layout);
    assert_found(
        &problems,
        "route GET /tables/{token} (get-table) has no function in infra/template.yaml",
    );
}

#[test]
fn a_route_only_in_the_route_table_fails_three_times() {
    let mut layout = real_layout();
    layout.routes.insert(
        "list-suppliers".into(),
        RouteEntry {
            variant: "ListSuppliers".into(),
            http: HttpRoute {
                method: "GET".into(),
                path: "/restaurants/{restaurant_id}/owner/suppliers".into(),
            },
        },
    );
    let problems = check(&layout);
    assert_found(&problems, "has no [[bin]] named list-suppliers");
    assert_found(
        &problems,
        "(list-suppliers) has no function in infra/template.yaml",
    );
    assert_found(
        &problems,
        "(list-suppliers) is missing from functions/api/openapi.yaml",
    );
}

#[test]
fn a_route_missing_from_openapi_fails() {
    let mut layout = real_layout();
    layout
        .openapi
        .retain(|op, _| op.path != "/restaurants/{restaurant_id}/menu");
    assert_found(
        &check(&layout),
        "(get-menu) is missing from functions/api/openapi.yaml",
    );
}

#[test]
fn an_undeployed_openapi_operation_fails_unless_marked_local_only() {
    let mut layout = real_layout();
    let extra = HttpRoute {
        method: "DELETE".into(),
        path: "/tables/{token}".into(),
    };
    layout.openapi.insert(extra.clone(), false);
    assert_found(
        &check(&layout),
        "documents DELETE /tables/{token}, which no route serves",
    );
    layout.openapi.insert(extra, true);
    assert_no_problems(&check(&layout));
}

#[test]
fn a_deployed_route_marked_local_only_fails() {
    let mut layout = real_layout();
    let get_table = layout.routes["get-table"].http.clone();
    layout.openapi.insert(get_table, true);
    assert_found(
        &check(&layout),
        "is deployed but openapi.yaml marks it x-tabletap-local-only",
    );
}

#[test]
fn a_bin_no_route_names_fails() {
    let mut layout = real_layout();
    layout
        .bins
        .insert("export-orders".into(), "fn main() {}".into());
    assert_found(
        &check(&layout),
        "[[bin]] export-orders is neither a route's function",
    );
}

#[test]
fn a_bin_serving_another_route_fails() {
    let mut layout = real_layout();
    let menu = layout.bins["get-menu"].clone();
    layout.bins.insert("get-table".into(), menu);
    assert_found(&check(&layout), "bin get-table does not serve its route");
}

#[test]
fn a_template_event_with_another_method_or_path_fails() {
    let mut layout = real_layout();
    layout
        .template
        .get_mut("place-dine-in-order")
        .unwrap()
        .http_events[0]
        .method = "PUT".into();
    assert_found(
        &check(&layout),
        "must have exactly one HttpApi event, POST /tables/{token}/orders; it has [PUT /tables/{token}/orders]",
    );
}

#[test]
fn a_function_built_from_the_workspace_root_fails() {
    let mut layout = real_layout();
    layout.template.get_mut("get-order").unwrap().code_uri = Some("..".into());
    assert_found(&check(&layout), "CodeUri must be ../functions/lambdas");
}

#[test]
fn a_second_function_building_the_same_binary_fails() {
    let text = read(&repo_root().join("infra/template.yaml"));
    let copy = text.replacen(
        "  GetMenuFunction:\n",
        "  GetMenuAgainFunction:\n    Type: AWS::Serverless::Function\n    Metadata:\n      BuildProperties:\n        Binary: get-table\n  GetMenuFunction:\n",
        1,
    );
    assert_ne!(copy, text);
    let mut problems = Vec::new();
    template_functions(&copy, &mut problems);
    assert_found(&problems, "both build get-table");
}

#[test]
fn an_event_function_turned_http_fails() {
    let mut layout = real_layout();
    layout
        .template
        .get_mut("print-ack")
        .unwrap()
        .http_events
        .push(HttpRoute {
            method: "POST".into(),
            path: "/acks".into(),
        });
    assert_found(&check(&layout), "yet has HttpApi events");
}
