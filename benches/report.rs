//! Report benchmarks: the PDF of the payments example, and PDF and HTML of synthetic
//! models with about 1k and 10k threats (linearity). The input (model analysed) is built
//! once; each iteration builds the report's content, lays out the diagram and writes the
//! document. Run: `cargo bench --bench report`. Figures are recorded in BENCHMARKS.md.

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use std::path::Path;
use std::time::Duration;
use threatwright::io::yaml;
use threatwright::report::{self, Config, Input};

fn full() -> bool {
    std::env::args().any(|a| a == "--bench")
}

fn input_of(name: &str, text: &str) -> Input {
    let (library, _) = yaml::rules::load_library(&[]).expect("rules load");
    let loaded = yaml::load_str(text, name, &yaml::Limits::default());
    let model = loaded.model.expect("the model parses");
    threatwright::workflow::report_input_yaml(name, text, &model, &library).expect("input builds")
}

fn pdf(input: &Input) -> usize {
    let r = report::build(input, &Config::default());
    let d = report::diagram::diagram(&input.model, &input.threats);
    report::pdf::render(&r, Some(&d)).0.len()
}

fn html(input: &Input) -> usize {
    let r = report::build(input, &Config::default());
    let d = report::diagram::diagram(&input.model, &input.threats);
    report::html::render(&r, Some(&d)).len()
}

fn benches(c: &mut Criterion) {
    let mut group = c.benchmark_group("report");
    group.sample_size(10).measurement_time(Duration::from_secs(15)).warm_up_time(Duration::from_secs(1));
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("models/examples/payments-api.yaml");
    let example = input_of("payments-api.yaml", &std::fs::read_to_string(path).expect("example reads"));
    group.bench_function("pdf_payments_example", |b| b.iter(|| pdf(&example)));
    // About 3.1 threats per element in the synthetic platform: 320 → ~1k, 3,200 → ~10k.
    let sizes: &[usize] = if full() { &[320, 3_200] } else { &[320] };
    for &n in sizes {
        let text = yaml::to_string(&threatwright::synth::api_platform(n, 1)).expect("writes");
        let input = input_of("synthetic.yaml", &text);
        let threats = input.threats.len();
        group.throughput(Throughput::Elements(threats as u64));
        group.bench_with_input(BenchmarkId::new("pdf_threats", threats), &input, |b, i| b.iter(|| pdf(i)));
        group.bench_with_input(BenchmarkId::new("html_threats", threats), &input, |b, i| b.iter(|| html(i)));
    }
    group.finish();
}

criterion_group!(report_benches, benches);
criterion_main!(report_benches);
