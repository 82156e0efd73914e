//! Contract tests of the generated `miteos` crate against Prism, the pinned mock server of `tests/contract`.
//!
//! Prism runs with `--errors`: it checks every request the SDK sends against `fixtures/miteos/openapi.json`
//! (path, query, headers, auth, body) and answers 422 with an `sl-violations` header when one breaks the spec;
//! valid requests get the spec's examples, which must decode into the SDK's types. Every operation but the
//! WebSocket `events().subscribe()` (Prism cannot mock it; `loopback_events` covers it) is called once.
//! Prism must be installed: `scripts/install-test-tools.sh`.

use std::collections::BTreeMap;
use std::fmt::Debug;

use miteos::types::{
    ApprovalRequest, BrokerConnect, BrokerName, CardCreate, DeployTarget, DeploymentCreate,
    EventType, GuideRequest, MemoryUpdate, SkillCompileRequest, SkillCreate, SkillStep, TaskConfig,
    TaskCreate, TaskStatus, WebhookCreate, WorkspaceCreate,
};
use miteos::{Client, Response};
use miteos_tests::prism::{self, Prism};

const API_KEY: &str = "mt_test_contract";
const TASK: &str = "task_2x8KqLmN4pR7";
const AGENT: &str = "agnt_7hQ2mZp1";
const APPROVAL: &str = "apr_4Nc8vK2d";
const DELIVERABLE: &str = "dlv_5Hk2pW8q";
const WORKSPACE: &str = "ws_4fT9aQ2c";
const DEPLOYMENT: &str = "dep_6Yc1rN7k";
const MEMORY: &str = "mem_2Kd7sP9a";
const WEBHOOK: &str = "whk_8Tg3mQ1s";

fn client(prism: &Prism) -> Client {
    Client::builder()
        .api_key(API_KEY)
        .base_url(prism.url())
        .max_retries(0)
        .build()
        .expect("a client for Prism")
}

/// An error as the failure report shows it: the SDK's message, and Prism's violations when it refused the request.
fn describe(err: &miteos::Error) -> String {
    let mut text = err.to_string();
    if let Some(api) = err.api_error() {
        if let Some(violations) = api.headers.get("sl-violations") {
            text.push_str(&format!(
                "\n    sl-violations: {}",
                String::from_utf8_lossy(violations.as_bytes())
            ));
        }
        if api.detail.is_none() {
            text.push_str(&format!("\n    body: {}", api.body_excerpt));
        }
    }
    text
}

fn ensure(ok: bool, what: impl FnOnce() -> String) -> Result<(), String> {
    if ok { Ok(()) } else { Err(what()) }
}

fn has_prefix(value: &str, prefix: &str) -> Result<(), String> {
    ensure(value.starts_with(prefix), || {
        format!("id {value:?} does not start with {prefix:?}")
    })
}

/// The outcome of every call, so that one run names every operation that fails.
#[derive(Default)]
struct Report {
    passed: Vec<&'static str>,
    failed: Vec<String>,
}

impl Report {
    /// Records `operation`: the call must succeed with `status`, and `verify` must accept the decoded value.
    fn check<T: Debug>(
        &mut self,
        operation: &'static str,
        status: u16,
        result: Result<Response<T>, miteos::Error>,
        verify: impl FnOnce(&T) -> Result<(), String>,
    ) {
        let outcome = match result {
            Err(err) => Err(describe(&err)),
            Ok(response) if response.status() != status => {
                Err(format!("status {} instead of {status}", response.status()))
            }
            Ok(response) => verify(response.value())
                .map_err(|why| format!("{why}\n    value: {:?}", response.value())),
        };
        self.record(operation, outcome);
    }

    fn record(&mut self, operation: &'static str, outcome: Result<(), String>) {
        match outcome {
            Ok(()) => self.passed.push(operation),
            Err(why) => self.failed.push(format!("{operation}: {why}")),
        }
    }
}

#[tokio::test]
async fn every_operation_is_accepted_by_prism_and_its_example_decodes() {
    let prism = prism::shared();
    let client = client(&prism);
    let mut report = Report::default();

    // tasks
    let body = TaskCreate::new("Build a landing page for a bakery with an order form")
        .workspace_id(WORKSPACE)
        .config(
            TaskConfig::default()
                .max_agents(3)
                .autonomy_level(2)
                .auto_deploy(false)
                .deploy_target(DeployTarget::Vercel),
        );
    report.check(
        "tasks.create",
        201,
        client.tasks().create(body).send_with_response().await,
        |t| {
            has_prefix(&t.id, "task_")?;
            ensure(!t.prompt.is_empty(), || "empty prompt".into())
        },
    );
    report.check(
        "tasks.list",
        200,
        client
            .tasks()
            .list()
            .limit(10)
            .offset(0)
            .status(TaskStatus::Running)
            .send_with_response()
            .await,
        |page| {
            ensure(!page.tasks.is_empty(), || {
                "no tasks in the example page".into()
            })?;
            page.tasks
                .iter()
                .try_for_each(|t| has_prefix(&t.id, "task_"))
        },
    );
    report.check(
        "tasks.get",
        200,
        client.tasks().get(TASK).send_with_response().await,
        |t| has_prefix(&t.id, "task_"),
    );
    report.check(
        "tasks.cancel",
        200,
        client.tasks().cancel(TASK).send_with_response().await,
        |t| has_prefix(&t.id, "task_"),
    );
    report.check(
        "tasks.deliverables",
        200,
        client.tasks().deliverables(TASK).send_with_response().await,
        |list| {
            ensure(!list.is_empty(), || "no deliverables in the example".into())?;
            list.iter().try_for_each(|d| {
                ensure(!d.download_url.is_empty(), || {
                    format!("{}: empty download_url", d.id)
                })
            })
        },
    );
    // The only binary answer: the SDK asks for it with its own Accept; the example must arrive whole.
    let download = async {
        let response = client
            .tasks()
            .download_deliverable(TASK, DELIVERABLE)
            .send_with_response()
            .await;
        let response = response.map_err(|err| describe(&err))?;
        ensure(response.status() == 200, || {
            format!("status {} instead of 200", response.status())
        })?;
        let bytes = response
            .into_inner()
            .collect_bytes()
            .await
            .map_err(|err| describe(&err))?;
        ensure(!bytes.is_empty(), || "empty body".into())
    };
    report.record("tasks.download_deliverable", download.await);

    // agents
    report.check(
        "agents.pause",
        200,
        client.agents().pause(AGENT).send_with_response().await,
        |a| has_prefix(&a.id, "agnt_"),
    );
    report.check(
        "agents.resume",
        200,
        client.agents().resume(AGENT).send_with_response().await,
        |a| has_prefix(&a.id, "agnt_"),
    );
    report.check(
        "agents.cancel",
        200,
        client.agents().cancel(AGENT).send_with_response().await,
        |a| has_prefix(&a.id, "agnt_"),
    );
    let guide = GuideRequest::new(
        "Use the brand colours from the style guide; keep the form to three fields",
    );
    report.check(
        "agents.guide",
        200,
        client
            .agents()
            .guide(AGENT, guide)
            .send_with_response()
            .await,
        |a| has_prefix(&a.id, "agnt_"),
    );
    let approval = ApprovalRequest::new(true).reason("Within the agreed budget");
    report.check(
        "agents.approve",
        200,
        client
            .agents()
            .approve(AGENT, APPROVAL, approval)
            .send_with_response()
            .await,
        |a| {
            has_prefix(&a.approval_id, "apr_")?;
            has_prefix(&a.agent_id, "agnt_")
        },
    );

    // deployments
    let deployment = DeploymentCreate::new(WORKSPACE, DeployTarget::Netlify, "cfg_1Qa2Ws3E");
    report.check(
        "deployments.create",
        201,
        client
            .deployments()
            .create(deployment)
            .send_with_response()
            .await,
        |d| has_prefix(&d.id, "dep_"),
    );
    report.check(
        "deployments.get",
        200,
        client
            .deployments()
            .get(DEPLOYMENT)
            .send_with_response()
            .await,
        |d| has_prefix(&d.id, "dep_"),
    );
    report.check(
        "deployments.list",
        200,
        client
            .deployments()
            .list()
            .limit(5)
            .offset(0)
            .send_with_response()
            .await,
        |page| {
            page.deployments
                .iter()
                .try_for_each(|d| has_prefix(&d.id, "dep_"))
        },
    );

    // workspaces
    let workspace =
        WorkspaceCreate::new("bakery-site").description("The bakery's landing page and order form");
    report.check(
        "workspaces.create",
        201,
        client
            .workspaces()
            .create(workspace)
            .send_with_response()
            .await,
        |w| has_prefix(&w.id, "ws_"),
    );
    report.check(
        "workspaces.list",
        200,
        client.workspaces().list().send_with_response().await,
        |list| list.iter().try_for_each(|w| has_prefix(&w.id, "ws_")),
    );

    // billing, integrations
    report.check(
        "billing.get",
        200,
        client.billing().get().send_with_response().await,
        |b| {
            ensure(b.billing_period_start < b.billing_period_end, || {
                "the billing period ends before it starts".into()
            })
        },
    );
    report.check(
        "integrations.list",
        200,
        client.integrations().list().send_with_response().await,
        |list| list.iter().try_for_each(|i| has_prefix(&i.id, "int_")),
    );

    // trading
    let credentials = BTreeMap::from([
        ("api_key".to_owned(), "PKTEST4J2K8M1N".to_owned()),
        ("api_secret".to_owned(), "sk-test-9f8e7d6c5b4a".to_owned()),
    ]);
    report.check(
        "trading.connect_broker",
        201,
        client
            .trading()
            .connect_broker(BrokerConnect::new(BrokerName::Alpaca, credentials))
            .send_with_response()
            .await,
        |b| has_prefix(&b.id, "brk_"),
    );
    report.check(
        "trading.list_brokers",
        200,
        client.trading().list_brokers().send_with_response().await,
        |list| list.data.iter().try_for_each(|b| has_prefix(&b.id, "brk_")),
    );

    // commerce
    report.check(
        "commerce.create_card",
        201,
        client
            .commerce()
            .create_card(CardCreate::new("Ad spend", 250.0))
            .send_with_response()
            .await,
        |c| {
            has_prefix(&c.id, "crd_")?;
            ensure(c.last4.len() == 4, || format!("last4 {:?}", c.last4))
        },
    );
    report.check(
        "commerce.list_cards",
        200,
        client.commerce().list_cards().send_with_response().await,
        |list| list.data.iter().try_for_each(|c| has_prefix(&c.id, "crd_")),
    );

    // skills
    report.check(
        "skills.compile",
        200,
        client
            .skills()
            .compile(SkillCompileRequest::new(vec![TASK.into()]))
            .send_with_response()
            .await,
        |s| ensure(!s.steps.is_empty(), || "no steps".into()),
    );
    let skill = SkillCreate::new(
        "landing-page",
        "Build and deploy a one-page site with an order form",
        vec![
            SkillStep::new("step_1", "web_search", "Find three competitors' pages").confidence(0.9),
            SkillStep::new("step_2", "code_editor", "Write the page and the form"),
        ],
    )
    .published(false);
    report.check(
        "skills.create",
        201,
        client.skills().create(skill).send_with_response().await,
        |s| has_prefix(&s.id, "skl_"),
    );

    // memory
    report.check(
        "memory.list",
        200,
        client.memory().list().send_with_response().await,
        |list| {
            list.memories
                .iter()
                .try_for_each(|m| has_prefix(&m.id, "mem_"))
        },
    );
    report.check(
        "memory.update",
        200,
        client
            .memory()
            .update(MEMORY, MemoryUpdate::new("Prefers pastel colours"))
            .send_with_response()
            .await,
        |m| has_prefix(&m.id, "mem_"),
    );
    report.check(
        "memory.delete",
        204,
        client.memory().delete(MEMORY).send_with_response().await,
        |()| Ok(()),
    );

    // webhooks
    let webhook = WebhookCreate::new(
        "https://hooks.example.com/miteos",
        vec![
            EventType::TaskComplete,
            EventType::TaskFailed,
            EventType::ApprovalRequired,
        ],
    );
    report.check(
        "webhooks.create",
        201,
        client.webhooks().create(webhook).send_with_response().await,
        |w| {
            has_prefix(&w.id, "whk_")?;
            ensure(w.secret.is_some(), || {
                "the answer to create carries no secret".into()
            })
        },
    );
    report.check(
        "webhooks.list",
        200,
        client.webhooks().list().send_with_response().await,
        |list| list.iter().try_for_each(|w| has_prefix(&w.id, "whk_")),
    );
    report.check(
        "webhooks.get",
        200,
        client.webhooks().get(WEBHOOK).send_with_response().await,
        |w| has_prefix(&w.id, "whk_"),
    );
    report.check(
        "webhooks.delete",
        204,
        client.webhooks().delete(WEBHOOK).send_with_response().await,
        |()| Ok(()),
    );

    assert!(
        report.failed.is_empty(),
        "{} of {} operations failed against Prism:\n  {}\nPrism's log:\n{}",
        report.failed.len(),
        report.failed.len() + report.passed.len(),
        report.failed.join("\n  "),
        prism.output()
    );
    assert_eq!(
        report.passed.len(),
        OPERATIONS,
        "operations checked: {:?}",
        report.passed
    );
}

/// Operations of the SDK without `events.subscribe` (WebSocket).
const OPERATIONS: usize = 31;

#[tokio::test]
async fn an_error_example_decodes_into_an_api_error() {
    let prism = prism::shared();
    let client = client(&prism);
    let err = client
        .tasks()
        .get(TASK)
        .extra_header("Prefer", "code=404")
        .send()
        .await
        .expect_err("Prism answers the 404 example when asked with `Prefer: code=404`");
    assert_eq!(err.status(), Some(404), "{err}");
    let detail = err
        .detail()
        .unwrap_or_else(|| panic!("no detail in the 404 example: {err:?}"));
    assert!(!detail.is_empty(), "{err:?}");
    assert!(
        err.to_string().contains(&detail),
        "Display shows the detail: {err}"
    );
}

#[tokio::test]
async fn prism_rejects_requests_that_break_the_spec() {
    let prism = prism::shared();
    let client = client(&prism);

    // Through the SDK: `limit` has `minimum: 1`, which the SDK does not check itself.
    let err = client
        .tasks()
        .list()
        .limit(0)
        .send()
        .await
        .expect_err("limit=0 breaks `minimum: 1`");
    assert_eq!(err.status(), Some(422), "{err}");
    let api = err.api_error().expect("an API error");
    assert!(
        api.headers.contains_key("sl-violations"),
        "Prism says why: {api:?}"
    );

    // A body of the wrong type, which the SDK's types cannot express: `approved` must be a boolean.
    let response = reqwest::Client::new()
        .post(format!("{}/agents/{AGENT}/approve/{APPROVAL}", prism.url()))
        .bearer_auth(API_KEY)
        .json(&serde_json::json!({ "approved": "yes" }))
        .send()
        .await
        .expect("Prism answers");
    assert_eq!(response.status().as_u16(), 422, "{response:?}");
    let violations = response
        .headers()
        .get("sl-violations")
        .expect("an sl-violations header")
        .to_str()
        .unwrap();
    assert!(
        violations.contains("approved"),
        "the violation names the field: {violations}"
    );

    // And without credentials (the spec requires bearer auth), Prism refuses with 401.
    let response = reqwest::Client::new()
        .get(format!("{}/tasks/{TASK}", prism.url()))
        .send()
        .await
        .expect("Prism answers");
    assert_eq!(response.status().as_u16(), 401, "{response:?}");
}
