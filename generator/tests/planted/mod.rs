//! Changes planted on the pinned Miteos spec, each with the classification the API diff must give
//! and a caller of the old crate that the change must leave compiling (compatible) or break.
#![allow(
    dead_code,
    reason = "shared by two test crates, each of which reads part of it"
)]

use serde_json::{Value, json};

/// One planted change.
pub struct Case {
    /// Short name, also the name of the generated crate.
    pub name: &'static str,
    /// Edits the spec.
    pub plant: fn(&mut Value),
    /// The changes the diff must report: (kind, location, breaking), in report order.
    pub changes: &'static [(&'static str, &'static str, bool)],
    /// The body of `pub async fn call(client: &miteos::Client) -> Result<(), miteos::Error>`,
    /// compiled against the old crate and the new one.
    pub caller: &'static str,
    /// How the break shows when the caller still compiles: the text of the error `call` returns
    /// with the new crate (a request it refuses to send).
    pub fails_at_run_time: Option<&'static str>,
}

impl Case {
    /// Whether the change is breaking.
    pub fn breaking(&self) -> bool {
        self.changes.iter().any(|(_, _, b)| *b)
    }
}

fn at<'a>(spec: &'a mut Value, pointer: &str) -> &'a mut Value {
    spec.pointer_mut(pointer)
        .unwrap_or_else(|| panic!("the Miteos spec has no {pointer}"))
}

fn object(value: &mut Value) -> &mut serde_json::Map<String, Value> {
    value.as_object_mut().expect("an object")
}

/// The pinned Miteos spec.
pub fn miteos_spec() -> Value {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../fixtures/miteos/openapi.json"
    );
    serde_json::from_str(&std::fs::read_to_string(path).expect("read the pinned spec"))
        .expect("the pinned spec is JSON")
}

const MATCH_EVERY_STATUS: &str = r#"
    let status = miteos::types::TaskStatus::Running;
    let _ = match status {
        miteos::types::TaskStatus::Pending => 0,
        miteos::types::TaskStatus::Planning => 1,
        miteos::types::TaskStatus::Running => 2,
        miteos::types::TaskStatus::Paused => 3,
        miteos::types::TaskStatus::Complete => 4,
        miteos::types::TaskStatus::Completed => 5,
        miteos::types::TaskStatus::Failed => 6,
        miteos::types::TaskStatus::Cancelled => 7,
        miteos::types::TaskStatus::Unknown(_) => 8,
    };
    let _ = client;
    Ok(())
"#;

/// Every planted change.
pub fn cases() -> Vec<Case> {
    vec![
        // Compatible.
        Case {
            name: "new-operation",
            plant: |s| {
                let op = json!({
                    "post": {
                        "tags": ["tasks"],
                        "operationId": "archive_task_v1_tasks__task_id__archive_post",
                        "parameters": [{
                            "name": "task_id", "in": "path", "required": true,
                            "schema": {"type": "string"}
                        }],
                        "responses": {"200": {"description": "The archived task", "content": {
                            "application/json": {"schema": {"$ref": "#/components/schemas/TaskResponse"}}
                        }}}
                    }
                });
                object(at(s, "/paths")).insert("/tasks/{task_id}/archive".into(), op);
            },
            changes: &[("operation_added", "client.tasks().archive()", false)],
            caller: r#"
                let task = client.tasks().get("task_1").send().await?;
                let _ = client.tasks().cancel(&task.id).send().await?;
                Ok(())
            "#,
            fails_at_run_time: None,
        },
        Case {
            name: "new-optional-query-parameter",
            plant: |s| {
                let p = json!({"name": "archived", "in": "query", "required": false,
                    "schema": {"type": "boolean"}});
                at(s, "/paths/~1tasks/get/parameters")
                    .as_array_mut()
                    .unwrap()
                    .push(p);
            },
            changes: &[("parameter_added", "client.tasks().list().archived()", false)],
            caller: r#"
                let page = client.tasks().list().limit(20).offset(0)
                    .status(miteos::types::TaskStatus::Running).send().await?;
                let _ = page.tasks.len();
                Ok(())
            "#,
            fails_at_run_time: None,
        },
        Case {
            name: "wire-name-of-a-field",
            plant: |s| {
                let props = object(at(s, "/components/schemas/TaskResponse/properties"));
                let v = props.shift_remove("total_tokens_used").unwrap();
                props.insert("totalTokensUsed".into(), v);
            },
            changes: &[(
                "field_wire_name_changed",
                "types::TaskResponse.total_tokens_used",
                false,
            )],
            caller: r#"
                let task = client.tasks().get("task_1").send().await?;
                let _: Option<i64> = task.total_tokens_used;
                Ok(())
            "#,
            fails_at_run_time: None,
        },
        Case {
            name: "wire-value-of-an-enum",
            plant: |s| {
                let values = at(s, "/components/schemas/TaskStatus/enum");
                for v in values.as_array_mut().unwrap() {
                    if v == "paused" {
                        *v = json!("PAUSED");
                    }
                }
            },
            changes: &[(
                "enum_value_wire_changed",
                "types::TaskStatus::Paused",
                false,
            )],
            caller: MATCH_EVERY_STATUS,
            fails_at_run_time: None,
        },
        Case {
            name: "server",
            plant: |s| *at(s, "/servers/0/url") = json!("https://eu.api.miteos.com/v1"),
            changes: &[("base_url_changed", "Client base URL", false)],
            caller: r#"
                let other = miteos::Client::builder().api_key("key").build()?;
                let _ = other.billing().get().send().await?;
                let _ = client;
                Ok(())
            "#,
            fails_at_run_time: None,
        },
        Case {
            name: "endpoint-path",
            plant: |s| {
                let paths = object(at(s, "/paths"));
                let item = paths.shift_remove("/tasks/{task_id}/cancel").unwrap();
                paths.insert("/tasks/{task_id}/stop".into(), item);
            },
            changes: &[(
                "operation_endpoint_changed",
                "client.tasks().cancel()",
                false,
            )],
            caller: r#"
                let _ = client.tasks().cancel("task_1").send().await?;
                Ok(())
            "#,
            fails_at_run_time: None,
        },
        Case {
            name: "deprecated-operation",
            plant: |s| {
                object(at(s, "/paths/~1billing/get")).insert("deprecated".into(), json!(true));
            },
            changes: &[(
                "operation_deprecation_changed",
                "client.billing().get()",
                false,
            )],
            caller: r#"
                let billing = client.billing().get().send().await?;
                let _: f64 = billing.credits_remaining;
                Ok(())
            "#,
            fails_at_run_time: None,
        },
        Case {
            name: "optional-body",
            plant: |s| *at(s, "/paths/~1tasks/post/requestBody/required") = json!(false),
            changes: &[(
                "body_presence_changed",
                "client.tasks().create().body()",
                true,
            )],
            caller: r#"
                let body = miteos::types::TaskCreate::new("Build a landing page");
                let _ = client.tasks().create(body).send().await?;
                Ok(())
            "#,
            fails_at_run_time: None,
        },
        Case {
            name: "new-type",
            plant: |s| {
                object(at(s, "/components/schemas")).insert(
                    "Label".into(),
                    json!({"type": "object", "properties": {"name": {"type": "string"}}}),
                );
            },
            changes: &[("type_added", "types::Label", false)],
            caller: r#"
                let _ = client.tasks().get("task_1").send().await?;
                Ok(())
            "#,
            fails_at_run_time: None,
        },
        Case {
            name: "wire-name-of-a-parameter",
            plant: |s| {
                for p in at(s, "/paths/~1events/get/parameters")
                    .as_array_mut()
                    .unwrap()
                {
                    if p["name"] == "last_event_id" {
                        p["name"] = json!("lastEventId");
                    }
                }
            },
            changes: &[(
                "parameter_wire_name_changed",
                "client.events().subscribe().last_event_id()",
                false,
            )],
            caller: r#"
                let _stream = client.events().subscribe().last_event_id("evt_1").send().await?;
                Ok(())
            "#,
            fails_at_run_time: None,
        },
        Case {
            name: "anonymous-operation",
            plant: |s| {
                object(at(s, "/paths/~1billing/get")).insert("security".into(), json!([]));
            },
            changes: &[(
                "operation_credentials_changed",
                "client.billing().get()",
                false,
            )],
            caller: r#"
                let _ = client.billing().get().send().await?;
                Ok(())
            "#,
            fails_at_run_time: None,
        },
        Case {
            name: "new-optional-response-field",
            plant: |s| {
                object(at(s, "/components/schemas/ApprovalResponse/properties"))
                    .insert("note".into(), json!({"type": "string"}));
            },
            changes: &[("field_added", "types::ApprovalResponse.note", false)],
            caller: r#"
                // A test double, built as a `#[non_exhaustive]` model is: `new` and setters.
                let decided_at: miteos::Timestamp = "2026-01-01T00:00:00Z".parse().expect("a timestamp");
                let decision = miteos::types::ApprovalResponse::new("apr_1", "agt_1", true, decided_at)
                    .reason("looks right");
                let _ = (client, decision);
                Ok(())
            "#,
            fails_at_run_time: None,
        },
        Case {
            name: "new-optional-request-field",
            plant: |s| {
                object(at(s, "/components/schemas/TaskCreate/properties")).insert(
                    "tags".into(),
                    json!({"type": "array", "items": {"type": "string"}}),
                );
            },
            changes: &[("field_added", "types::TaskCreate.tags", false)],
            caller: r#"
                let body = miteos::types::TaskCreate::new("Build a landing page");
                let _ = client.tasks().create(body).send().await?;
                Ok(())
            "#,
            fails_at_run_time: None,
        },
        // Breaking.
        Case {
            name: "new-enum-value",
            plant: |s| {
                at(s, "/components/schemas/TaskStatus/enum")
                    .as_array_mut()
                    .unwrap()
                    .push(json!("archived"))
            },
            changes: &[("enum_value_added", "types::TaskStatus::Archived", true)],
            caller: MATCH_EVERY_STATUS,
            fails_at_run_time: None,
        },
        Case {
            name: "removed-enum-value",
            plant: |s| {
                at(s, "/components/schemas/TaskStatus/enum")
                    .as_array_mut()
                    .unwrap()
                    .retain(|v| v != "paused")
            },
            changes: &[("enum_value_removed", "types::TaskStatus::Paused", true)],
            caller: r#"
                let _ = client.tasks().list().status(miteos::types::TaskStatus::Paused).send().await?;
                Ok(())
            "#,
            fails_at_run_time: None,
        },
        Case {
            name: "new-required-request-field",
            plant: |s| {
                object(at(s, "/components/schemas/TaskCreate/properties"))
                    .insert("priority".into(), json!({"type": "integer"}));
                at(s, "/components/schemas/TaskCreate/required")
                    .as_array_mut()
                    .unwrap()
                    .push(json!("priority"));
            },
            changes: &[("field_added", "types::TaskCreate.priority", true)],
            caller: r#"
                let body = miteos::types::TaskCreate::new("Build a landing page");
                let _ = client.tasks().create(body).send().await?;
                Ok(())
            "#,
            fails_at_run_time: None,
        },
        Case {
            name: "field-type",
            plant: |s| {
                *at(
                    s,
                    "/components/schemas/TaskResponse/properties/total_tokens_used",
                ) = json!({"type": "string"})
            },
            changes: &[(
                "field_type_changed",
                "types::TaskResponse.total_tokens_used",
                true,
            )],
            caller: r#"
                let task = client.tasks().get("task_1").send().await?;
                let _: Option<i64> = task.total_tokens_used;
                Ok(())
            "#,
            fails_at_run_time: None,
        },
        Case {
            name: "response-field-becomes-optional",
            plant: |s| {
                at(s, "/components/schemas/TaskResponse/required")
                    .as_array_mut()
                    .unwrap()
                    .retain(|v| v != "prompt")
            },
            changes: &[("field_presence_changed", "types::TaskResponse.prompt", true)],
            caller: r#"
                let task = client.tasks().get("task_1").send().await?;
                let _: String = task.prompt;
                Ok(())
            "#,
            fails_at_run_time: None,
        },
        Case {
            name: "removed-query-parameter",
            plant: |s| {
                at(s, "/paths/~1tasks/get/parameters")
                    .as_array_mut()
                    .unwrap()
                    .retain(|p| p["name"] != "status")
            },
            changes: &[("parameter_removed", "client.tasks().list().status()", true)],
            caller: r#"
                let _ = client.tasks().list().status(miteos::types::TaskStatus::Running).send().await?;
                Ok(())
            "#,
            fails_at_run_time: None,
        },
        Case {
            name: "query-parameter-type",
            plant: |s| {
                for p in at(s, "/paths/~1tasks/get/parameters")
                    .as_array_mut()
                    .unwrap()
                {
                    if p["name"] == "status" {
                        p["schema"] = json!({"type": "integer"});
                    }
                }
            },
            changes: &[(
                "parameter_type_changed",
                "client.tasks().list().status()",
                true,
            )],
            caller: r#"
                let _ = client.tasks().list().status(miteos::types::TaskStatus::Running).send().await?;
                Ok(())
            "#,
            fails_at_run_time: None,
        },
        Case {
            name: "new-required-query-parameter",
            plant: |s| {
                let op = object(at(s, "/paths/~1workspaces/get"));
                let params = op.entry("parameters").or_insert_with(|| json!([]));
                params.as_array_mut().unwrap().push(json!({
                    "name": "org", "in": "query", "required": true,
                    "schema": {"type": "string"}
                }));
            },
            changes: &[("parameter_added", "client.workspaces().list().org()", true)],
            caller: r#"
                let _ = client.workspaces().list().send().await?;
                Ok(())
            "#,
            fails_at_run_time: Some("the required `org` was not set"),
        },
        Case {
            name: "removed-operation",
            plant: |s| {
                object(at(s, "/paths")).shift_remove("/tasks/{task_id}/cancel");
            },
            changes: &[("operation_removed", "client.tasks().cancel()", true)],
            caller: r#"
                let _ = client.tasks().cancel("task_1").send().await?;
                Ok(())
            "#,
            fails_at_run_time: None,
        },
        Case {
            name: "path-parameter-type",
            plant: |s| {
                for p in at(s, "/paths/~1tasks~1{task_id}/get/parameters")
                    .as_array_mut()
                    .unwrap()
                {
                    p["schema"] = json!({"type": "integer"});
                }
            },
            changes: &[("argument_changed", "client.tasks().get()", true)],
            caller: r#"
                let _ = client.tasks().get("task_1").send().await?;
                Ok(())
            "#,
            fails_at_run_time: None,
        },
        Case {
            name: "response-type",
            plant: |s| {
                *at(
                    s,
                    "/paths/~1billing/get/responses/200/content/application~1json/schema",
                ) = json!({"$ref": "#/components/schemas/WorkspaceResponse"})
            },
            changes: &[(
                "response_type_changed",
                "client.billing().get().send()",
                true,
            )],
            caller: r#"
                let billing: miteos::types::BillingResponse = client.billing().get().send().await?;
                let _ = billing.plan;
                Ok(())
            "#,
            fails_at_run_time: None,
        },
        Case {
            name: "removed-resource",
            plant: |s| {
                object(at(s, "/paths")).shift_remove("/billing");
            },
            changes: &[("resource_removed", "client.billing()", true)],
            caller: r#"
                let _ = client.billing().get().send().await?;
                Ok(())
            "#,
            fails_at_run_time: None,
        },
        Case {
            name: "new-event-kind",
            plant: |s| {
                let mut event = at(s, "/components/schemas/TaskRunningEvent").clone();
                object(&mut event).insert("title".into(), json!("TaskPausedEvent"));
                object(at(s, "/components/schemas")).insert("TaskPausedEvent".into(), event);
                at(s, "/components/schemas/Event/oneOf")
                    .as_array_mut()
                    .unwrap()
                    .push(json!({"$ref": "#/components/schemas/TaskPausedEvent"}));
                object(at(s, "/components/schemas/Event/discriminator/mapping")).insert(
                    "task.paused".into(),
                    json!("#/components/schemas/TaskPausedEvent"),
                );
            },
            changes: &[
                ("union_variant_added", "types::Event::TaskPaused", true),
                ("type_added", "types::TaskPausedEvent", false),
            ],
            caller: r#"
                let event = miteos::types::Event::Unknown(Default::default());
                let _ = match event {
                    miteos::types::Event::TaskCreated(_) => 0,
                    miteos::types::Event::TaskPlanning(_) => 1,
                    miteos::types::Event::TaskRunning(_) => 2,
                    miteos::types::Event::TaskComplete(_) => 3,
                    miteos::types::Event::TaskFailed(_) => 4,
                    miteos::types::Event::AgentAction(_) => 5,
                    miteos::types::Event::AgentThinking(_) => 6,
                    miteos::types::Event::AgentError(_) => 7,
                    miteos::types::Event::ApprovalRequired(_) => 8,
                    miteos::types::Event::DeploymentStarted(_) => 9,
                    miteos::types::Event::DeploymentLive(_) => 10,
                    miteos::types::Event::DeploymentFailed(_) => 11,
                    miteos::types::Event::TradingOrderPlaced(_) => 12,
                    miteos::types::Event::TradingKillTriggered(_) => 13,
                    miteos::types::Event::BillingCreditLow(_) => 14,
                    miteos::types::Event::Unknown(_) => 15,
                };
                let _ = client;
                Ok(())
            "#,
            fails_at_run_time: None,
        },
        Case {
            name: "nullable-response-field",
            plant: |s| {
                *at(s, "/components/schemas/TaskResponse/properties/created_at") =
                    json!({"anyOf": [{"type": "string", "format": "date-time"}, {"type": "null"}]})
            },
            changes: &[(
                "field_presence_changed",
                "types::TaskResponse.created_at",
                true,
            )],
            caller: r#"
                let task = client.tasks().get("task_1").send().await?;
                let _: miteos::Timestamp = task.created_at;
                Ok(())
            "#,
            fails_at_run_time: None,
        },
        Case {
            name: "removed-response-field",
            plant: |s| {
                object(at(s, "/components/schemas/TaskResponse/properties"))
                    .shift_remove("workspace_id");
            },
            changes: &[("field_removed", "types::TaskResponse.workspace_id", true)],
            caller: r#"
                let task = client.tasks().get("task_1").send().await?;
                let _: Option<miteos::types::WorkspaceId> = task.workspace_id;
                Ok(())
            "#,
            fails_at_run_time: None,
        },
        Case {
            name: "query-parameter-becomes-required",
            plant: |s| {
                for p in at(s, "/paths/~1tasks/get/parameters")
                    .as_array_mut()
                    .unwrap()
                {
                    if p["name"] == "status" {
                        p["required"] = json!(true);
                    }
                }
            },
            changes: &[(
                "parameter_presence_changed",
                "client.tasks().list().status()",
                true,
            )],
            caller: r#"
                let _ = client.tasks().list().limit(20).send().await?;
                Ok(())
            "#,
            fails_at_run_time: Some("the required `status` was not set"),
        },
        Case {
            name: "model-no-longer-sent",
            plant: |s| {
                object(at(s, "/components/schemas/TaskCreate/properties")).shift_remove("config");
            },
            changes: &[
                ("serialize_default_removed", "types::TaskConfig", true),
                ("field_removed", "types::TaskCreate.config", true),
            ],
            caller: r#"
                // Only responses carry `TaskConfig` now: it is `Serialize` only with `full-serde`.
                let config = miteos::types::TaskConfig::default();
                let _ = miteos::reqwest::Client::new().post("http://127.0.0.1:9").json(&config);
                let _ = client;
                Ok(())
            "#,
            fails_at_run_time: None,
        },
        Case {
            name: "second-success-status",
            plant: |s| {
                object(at(s, "/paths/~1tasks/post/responses")).insert(
                    "202".into(),
                    json!({"description": "Queued for approval", "content": {"application/json": {
                        "schema": {"$ref": "#/components/schemas/ApprovalResponse"}
                    }}}),
                );
            },
            changes: &[(
                "response_type_changed",
                "client.tasks().create().send()",
                true,
            )],
            caller: r#"
                let body = miteos::types::TaskCreate::new("Build a landing page");
                let task: miteos::types::TaskResponse = client.tasks().create(body).send().await?;
                let _ = task.id;
                Ok(())
            "#,
            fails_at_run_time: None,
        },
    ]
}
