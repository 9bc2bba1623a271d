//! The petgraph view of a model: one node per element, one edge per flow.

use crate::model::{ElementRef, Model};
use petgraph::graph::{DiGraph, NodeIndex};

/// Elements as nodes (in `Model::elements` order), flows as edges weighted by their index
/// in `model.flows`. Flows whose ends do not resolve (an invalid model) are left out.
pub struct View<'m> {
    pub graph: DiGraph<(), usize>,
    pub elements: Vec<ElementRef<'m>>,
    /// Whether each flow (by index in `model.flows`) is bidirectional.
    pub bidirectional: Vec<bool>,
}

impl<'m> View<'m> {
    pub fn new(model: &'m Model) -> View<'m> {
        let elements: Vec<ElementRef<'m>> = model.elements().collect();
        let mut graph = DiGraph::with_capacity(elements.len(), model.flows.len());
        let mut node_of: std::collections::HashMap<&str, NodeIndex> =
            std::collections::HashMap::with_capacity(elements.len());
        for e in &elements {
            let n = graph.add_node(());
            node_of.entry(e.key().as_str()).or_insert(n);
        }
        for (i, f) in model.flows.iter().enumerate() {
            if let (Some(&a), Some(&b)) = (node_of.get(f.from.as_str()), node_of.get(f.to.as_str())) {
                graph.add_edge(a, b, i);
            }
        }
        let bidirectional = model.flows.iter().map(|f| f.bidirectional).collect();
        View { graph, elements, bidirectional }
    }
}
