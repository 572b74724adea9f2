//! The OpenAPI document.

#[test]
fn the_openapi_document_lists_exactly_the_api_routes_of_the_router() {
    let doc = dspdesk_web::openapi_document();
    let mut documented: Vec<String> = doc["paths"].as_object().unwrap().keys().cloned().collect();
    let mut routed: Vec<String> = dspdesk_web::routes()
        .into_iter()
        .map(|r| r.path.to_string())
        .filter(|p| p.starts_with("/api/v1"))
        .collect();
    documented.sort();
    routed.sort();
    assert_eq!(documented, routed);
    for path in &routed {
        assert!(
            !doc["paths"][path]["get"]["summary"]
                .as_str()
                .unwrap_or("")
                .is_empty(),
            "{path} has no description in its capability's routes()"
        );
        let params: Vec<&str> = doc["paths"][path]["get"]["parameters"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|p| p["in"] == "path")
            .map(|p| p["name"].as_str().unwrap())
            .collect();
        for p in &params {
            assert!(path.contains(&format!("{{{p}}}")), "{path}: {p}");
        }
        assert_eq!(
            params.len(),
            path.matches('{').count(),
            "{path}: every path parameter is declared"
        );
    }
    assert_eq!(doc["openapi"], "3.1.0");
    let query = |path: &str| -> Vec<String> {
        doc["paths"][path]["get"]["parameters"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|p| p["in"] == "query")
            .map(|p| p["name"].as_str().unwrap().to_owned())
            .collect()
    };
    assert_eq!(query("/api/v1/profit"), ["week", "by"]);
    assert_eq!(query("/api/v1/flags"), ["all", "kind"]);
    assert_eq!(query("/api/v1/partners"), ["page", "per_page", "week"]);
}
