//! Validation against Pinterest's own OpenAPI description (`pinterest-v5-openapi.yaml`, kept in
//! the project's shared reference folder beside the repository), with the jsonschema crate: the
//! client's requests and the simulator's responses are checked against Pinterest's schemas, not
//! only against each other. OpenAPI 3.0 schemas are JSON Schema draft 4 plus a few keywords
//! (`nullable`, `discriminator`, `example`) that the validator ignores; PinPace never sends
//! `null`, so ignoring `nullable` loses nothing.
//!
//! The spec is found at `$PINPACE_OPENAPI_SPEC`, else at `../shared/reference/` next to the
//! repository. A missing spec fails the test with a message saying where to put it.

#![allow(dead_code)]

use std::path::PathBuf;
use std::sync::OnceLock;

use serde_json::Value;

fn spec_path() -> PathBuf {
    if let Some(p) = std::env::var_os("PINPACE_OPENAPI_SPEC") {
        return PathBuf::from(p);
    }
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../../shared/reference/pinterest-v5-openapi.yaml")
}

/// The whole spec as JSON, parsed once per test binary.
pub fn spec() -> &'static Value {
    static SPEC: OnceLock<Value> = OnceLock::new();
    SPEC.get_or_init(|| {
        let path = spec_path();
        let text = std::fs::read_to_string(&path).unwrap_or_else(|e| {
            panic!(
                "Pinterest's OpenAPI spec is needed at {} (or set PINPACE_OPENAPI_SPEC): {e}",
                path.display()
            )
        });
        serde_yaml::from_str(&text).expect("the OpenAPI spec is valid YAML")
    })
}

/// Validates `instance` against `#/components/schemas/{name}`; returns every violation.
pub fn check(name: &str, instance: &Value) -> Result<(), Vec<String>> {
    let schemas = &spec()["components"]["schemas"];
    assert!(
        schemas.get(name).is_some(),
        "no schema named {name} in the spec"
    );
    // The whole document is the root so that every internal $ref resolves; the root's own $ref
    // selects the schema (draft 4 ignores keywords beside $ref).
    let mut root = serde_json::json!({ "$ref": format!("#/components/schemas/{name}") });
    root["components"] = spec()["components"].clone();
    let validator = jsonschema::options()
        .with_draft(jsonschema::Draft::Draft4)
        .build(&root)
        .unwrap_or_else(|e| panic!("schema {name} does not compile: {e}"));
    let errors: Vec<String> = validator
        .iter_errors(instance)
        .map(|e| format!("{} at {}", e, e.instance_path))
        .collect();
    if errors.is_empty() {
        Ok(())
    } else {
        Err(errors)
    }
}

/// Panics with every violation when `instance` does not match schema `name`.
pub fn assert_matches(name: &str, instance: &Value) {
    if let Err(errors) = check(name, instance) {
        panic!(
            "{instance} does not match {name}:\n  {}",
            errors.join("\n  ")
        );
    }
}

/// The schema name a path/method/status responds with (`application/json`), from the spec.
pub fn response_schema(path: &str, method: &str, status: &str) -> String {
    let op = &spec()["paths"][path][method];
    let reference = op["responses"][status]["content"]["application/json"]["schema"]["$ref"]
        .as_str()
        .unwrap_or_else(|| panic!("{method} {path} has no JSON schema for {status}"));
    reference
        .trim_start_matches("#/components/schemas/")
        .to_string()
}

/// The schema name of a path/method's JSON request body.
pub fn request_schema(path: &str, method: &str) -> String {
    let op = &spec()["paths"][path][method];
    let reference = op["requestBody"]["content"]["application/json"]["schema"]["$ref"]
        .as_str()
        .unwrap_or_else(|| panic!("{method} {path} has no JSON request schema"));
    reference
        .trim_start_matches("#/components/schemas/")
        .to_string()
}
