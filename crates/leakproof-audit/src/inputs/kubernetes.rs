//! Kubernetes manifests (multi-document YAML, `kind: List`): Services that
//! put a datastore port outside the cluster, and datastore namespaces with
//! no NetworkPolicy anywhere in the input.

use leakproof_core::Severity;

use super::{InternetOpening, Output, SourceFile};
use crate::catalogue::known;
use crate::net::{Reach, datastore_name};
use crate::tree::Node;

pub(crate) fn looks_like(text: &str) -> bool {
    text.lines().any(|l| l.starts_with("apiVersion:"))
        && text
            .lines()
            .any(|l| l.starts_with("kind:") || l.trim_start().starts_with("kind:"))
}

/// Annotations that make a cloud load balancer internal.
const INTERNAL_LB: &[(&str, &str)] = &[
    (
        "service.beta.kubernetes.io/azure-load-balancer-internal",
        "true",
    ),
    ("networking.gke.io/load-balancer-type", "internal"),
    ("cloud.google.com/load-balancer-type", "internal"),
    (
        "service.beta.kubernetes.io/aws-load-balancer-internal",
        "true",
    ),
    (
        "service.beta.kubernetes.io/aws-load-balancer-scheme",
        "internal",
    ),
];

fn namespace(obj: &Node) -> String {
    obj.path(&["metadata", "namespace"])
        .and_then(Node::str)
        .unwrap_or("default")
        .to_string()
}

pub(crate) fn check(file: &SourceFile<'_>, docs: &[Node], out: &mut Output) {
    let mut objects: Vec<&Node> = Vec::new();
    for doc in docs {
        if doc.str_of("kind") == Some("List") {
            objects.extend(doc.get("items").map(Node::seq).unwrap_or_default());
        } else {
            objects.push(doc);
        }
    }
    for obj in objects {
        let kind = obj.str_of("kind").unwrap_or_default();
        let name = obj
            .path(&["metadata", "name"])
            .and_then(Node::str)
            .unwrap_or("unnamed");
        let ns = namespace(obj);
        match kind {
            "NetworkPolicy" => out.k8s_policies.push(ns),
            "Service" => check_service(file, obj, name, &ns, out),
            "Deployment" | "StatefulSet" | "DaemonSet" | "ReplicaSet" | "Pod" => {
                let spec = if kind == "Pod" {
                    obj.get("spec")
                } else {
                    obj.path(&["spec", "template", "spec"])
                };
                let containers = spec
                    .and_then(|s| s.get("containers"))
                    .map(Node::seq)
                    .unwrap_or_default();
                let datastore = containers.iter().any(|c| {
                    c.get("ports")
                        .map(Node::seq)
                        .unwrap_or_default()
                        .iter()
                        .any(|p| {
                            p.str_of("containerPort")
                                .and_then(|v| v.parse().ok())
                                .and_then(datastore_name)
                                .is_some()
                        })
                });
                if datastore {
                    out.k8s_datastores.entry(ns).or_insert_with(|| {
                        crate::at(file.display, obj.line).with_resource(format!("{kind}/{name}"))
                    });
                }
            }
            _ => {}
        }
    }
}

fn check_service(file: &SourceFile<'_>, obj: &Node, name: &str, ns: &str, out: &mut Output) {
    let Some(spec) = obj.get("spec") else { return };
    let kind = spec.str_of("type").unwrap_or("ClusterIP");
    let ports: Vec<(u16, u32)> = spec
        .get("ports")
        .map(Node::seq)
        .unwrap_or_default()
        .iter()
        .filter_map(|p| {
            let port: u16 = p.str_of("port")?.parse().ok()?;
            let target: Option<u16> = p.str_of("targetPort").and_then(|t| t.parse().ok());
            [Some(port), target]
                .into_iter()
                .flatten()
                .find(|p| datastore_name(*p).is_some())
                .map(|_| (port, p.line))
        })
        .collect();
    if ports.is_empty() {
        return;
    }
    out.k8s_datastores.entry(ns.to_string()).or_insert_with(|| {
        crate::at(file.display, obj.line).with_resource(format!("Service/{name}"))
    });
    let internal = INTERNAL_LB.iter().any(|(key, value)| {
        obj.path(&["metadata", "annotations"])
            .and_then(|a| a.str_of(key))
            .is_some_and(|v| v.eq_ignore_ascii_case(value))
    });
    let (severity, reach) = match kind {
        "LoadBalancer" if internal => return,
        "LoadBalancer" => {
            let ranges = spec
                .get("loadBalancerSourceRanges")
                .map(|r| r.strings())
                .unwrap_or_default();
            let reach = if ranges.is_empty() {
                Reach::Internet
            } else {
                super::netrules::cidrs(ranges).reach()
            };
            match reach {
                Reach::Internet => (Severity::High, reach),
                Reach::PublicRanges => (Severity::Medium, reach),
                _ => return,
            }
        }
        "NodePort" => (Severity::Medium, Reach::PublicRanges),
        _ => return,
    };
    let label = format!("{ns}/Service/{name}");
    let location = crate::at(file.display, obj.line).with_resource(label.clone());
    let port_text: Vec<String> = ports
        .iter()
        .map(|(p, _)| format!("{p} ({})", datastore_name(*p).unwrap_or("datastore")))
        .collect();
    if reach == Reach::Internet {
        for (port, _) in &ports {
            out.internet_openings.push(InternetOpening {
                port: *port,
                rule: label.clone(),
                location: location.clone(),
            });
        }
    }
    out.findings.push(
        known("LP-K8S-001")
            .finding(location)
            .with_severity(severity)
            .with_message(format!(
                "Service {name} of type {kind} exposes {} to {}",
                port_text.join(", "),
                if kind == "NodePort" {
                    "every node's address"
                } else {
                    reach.describe()
                }
            ))
            .with_evidence(format!(
                "type: {kind}, ports: {}",
                ports
                    .iter()
                    .map(|(p, _)| p.to_string())
                    .collect::<Vec<_>>()
                    .join(",")
            )),
    );
}

/// Namespaces with a datastore and no NetworkPolicy in the whole input.
pub(crate) fn finish(out: &mut Output) {
    let datastores = std::mem::take(&mut out.k8s_datastores);
    for (ns, location) in datastores {
        if out.k8s_policies.contains(&ns) {
            continue;
        }
        out.findings.push(
            known("LP-K8S-002")
                .finding(location.with_pointer(format!("namespace {ns}")))
                .with_message(format!(
                    "namespace {ns} runs a datastore and no NetworkPolicy in the input covers the namespace"
                )),
        );
    }
}
