// The tidy reader (stores and CSV), curves with their random baselines, and
// the findings file's name and refusal to overwrite.
#include <gtest/gtest.h>
#include <hdf5.h>
#include <unistd.h>

#include <cmath>
#include <cstring>
#include <filesystem>
#include <functional>
#include <fstream>
#include <map>
#include <set>

#include "analysis/analysis_file.hpp"
#include "analysis/curve.hpp"
#include "analysis/report.hpp"
#include "analysis/tidy.hpp"
#include "hdf5_schema/store.hpp"

using namespace sweep::analysis;
namespace fs = std::filesystem;

namespace {

fs::path temp_dir() {
  fs::path d = fs::temp_directory_path() / ("sweep_analysis_test_" + std::to_string(::getpid()));
  fs::create_directories(d);
  return d;
}

sweep::store::MetricRow metric(const std::string& model, std::int64_t n, std::int64_t d, const std::string& prompt,
                               const std::string& task, const std::string& name, double value) {
  sweep::store::MetricRow r;
  r.point_id = std::hash<std::string>{}(model + std::to_string(d) + prompt + task + name) >> 1;
  r.model = model;
  r.n_params = n;
  r.data_tokens = d;
  r.prompt = prompt;
  r.task = task;
  r.metric = name;
  r.value = value;
  r.std_err = 0.01;
  r.n_examples = 100;
  r.train_flops = 6.0 * n * d;
  return r;
}

}  // namespace

TEST(TidyCsv, ReadsRequiredAndOptionalColumnsWithQuoting) {
  const fs::path p = temp_dir() / "t.csv";
  std::ofstream(p) << "model,n_params,data_tokens,flops,task,prompt,metric,value,stderr,n_examples\n"
                      "\"m,1\",1000,2000,,add2,cot,exact_match,0.5,0.05,100\n"
                      "m2,3000,2000,3.6e7,add2,cot,exact_match,0.7,,\n";
  const auto rows = read_tidy_csv(p.string());
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[0].model, "m,1");
  EXPECT_DOUBLE_EQ(rows[0].flops, 6.0 * 1000 * 2000);  // left empty: 6 N D
  EXPECT_DOUBLE_EQ(rows[0].std_err, 0.05);
  EXPECT_EQ(rows[0].n_examples, 100);
  EXPECT_DOUBLE_EQ(rows[1].flops, 3.6e7);
  EXPECT_TRUE(std::isnan(rows[1].std_err));
  EXPECT_TRUE(std::isnan(rows[1].random_baseline));
}

TEST(TidyCsv, ReadsSeedAndComputeBudgetWhenPresent) {
  const fs::path p = temp_dir() / "seeds.csv";
  std::ofstream(p) << "model,n_params,data_tokens,task,prompt,metric,value,seed,compute_budget\n"
                      "m,1000,2000,,,eval_loss,3.1,2,1.2e7\n"
                      "m,1000,2000,,,eval_loss,3.2,,\n";
  const auto rows = read_tidy_csv(p.string());
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[0].seed, 2);
  EXPECT_DOUBLE_EQ(rows[0].compute_budget, 1.2e7);
  EXPECT_EQ(rows[1].seed, 0);  // empty: unknown
  EXPECT_EQ(rows[1].compute_budget, 0.0);
  std::ofstream(p) << "model,n_params,data_tokens,task,prompt,metric,value,seed\n"
                      "m,1000,2000,,,eval_loss,3.1,1.5\n";
  try {
    read_tidy_csv(p.string());
    FAIL() << "a fractional seed was accepted";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("seeds.csv:2:29: seed: expected an integer"), std::string::npos) << e.what();
  }
}

TEST(TidyCsv, NamesTheMissingColumnAndTheBadLine) {
  const fs::path p = temp_dir() / "bad.csv";
  std::ofstream(p) << "model,n_params,task,prompt,metric\nm,1,a,b,c\n";
  try {
    read_tidy_csv(p.string());
    FAIL() << "expected a missing-column error";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("bad.csv:1:1: missing column 'value'"), std::string::npos) << e.what();
  }
  std::ofstream(p) << "model,n_params,data_tokens,task,prompt,metric,value\nm,1,2,a,b,c,zero\n";
  try {
    read_tidy_csv(p.string());
    FAIL() << "expected a number error";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find(":2:"), std::string::npos) << e.what();
  }
}

// Found by tests/fuzz/fuzz_csv: n_examples 6e30 was cast to int64 (undefined).
TEST(TidyCsv, RefusesValuesOutsideTheirDomainNamingLineAndColumn) {
  const fs::path p = temp_dir() / "domain.csv";
  const std::string head = "model,n_params,data_tokens,task,prompt,metric,value,n_examples\n";
  const std::pair<const char*, const char*> cases[] = {
      {"m,1e6,2,a,b,c,0.5,6e30\n", ":2:19: n_examples: expected a non-negative integer"},
      {"m,1e6,2,a,b,c,0.5,2.5\n", ":2:19: n_examples: expected a non-negative integer"},
      {"m,1e6,2,a,b,c,0.5,-1\n", ":2:19: n_examples: expected a non-negative integer"},
      {"m,0,2,a,b,c,0.5,1\n", ":2:3: n_params: expected a positive number"},
      {"m,,2,a,b,c,0.5,1\n", ":2:3: n_params: expected a positive number"},
      {"m,1e6,-2,a,b,c,0.5,1\n", ":2:7: data_tokens: expected a non-negative number"},
      {"m,1e6,2,a,b,c,inf,1\n", ":2:15: value: expected a finite number"},
      {"m,1e6,2,a,b,c,,1\n", ":2:15: value: expected a number"},
  };
  for (const auto& [row, message] : cases) {
    std::ofstream(p) << head << row;
    try {
      read_tidy_csv(p.string());
      ADD_FAILURE() << "accepted " << row;
    } catch (const std::runtime_error& e) {
      EXPECT_NE(std::string(e.what()).find(message), std::string::npos) << e.what();
    }
  }
}

TEST(TidyStore, ReadsMetricsWhileTheSweepStillWritesTheStore) {
  const fs::path p = temp_dir() / "live.h5";
  fs::remove(p);
  sweep::store::Provenance prov;
  prov.sweep_name = "t";
  auto store = sweep::store::Store::create(p.string(), prov, {}, false);
  auto em = metric("xs", 1000, 5000, "cot", "add2", "exact_match", 0.25);
  em.random_baseline = 0.01;
  em.seed = 3;
  em.compute_budget = 3e10;
  em.axes = "compute=3e+10;seed=3;train.lr=0.001";
  store.append({metric("xs", 1000, 5000, "", "", "eval_loss", 3.2), em});
  store.flush();
  const auto rows = read_store_metrics(p.string());  // the writer is still open (SWMR)
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[1].task, "add2");
  EXPECT_EQ(rows[1].prompt, "cot");
  EXPECT_DOUBLE_EQ(rows[1].value, 0.25);
  EXPECT_DOUBLE_EQ(rows[1].n_params, 1000);
  EXPECT_DOUBLE_EQ(rows[1].flops, 6.0 * 1000 * 5000);
  EXPECT_EQ(rows[1].n_examples, 100);
  EXPECT_DOUBLE_EQ(rows[1].std_err, 0.01);
  EXPECT_DOUBLE_EQ(rows[1].random_baseline, 0.01);  // the schema_version 3 column
  EXPECT_EQ(rows[1].seed, 3);                        // the schema_version 5 columns
  EXPECT_DOUBLE_EQ(rows[1].compute_budget, 3e10);
  EXPECT_EQ(rows[1].axes, "compute=3e+10;seed=3;train.lr=0.001");
  EXPECT_EQ(rows[0].seed, 0);
  EXPECT_EQ(rows[0].axes, "");
}

TEST(TidyStore, ReadsARandomBaselineColumnWhenTheStoreHasOne) {
  // A /metrics table with the schema_version 3 column, written by hand.
  const fs::path p = temp_dir() / "v3.h5";
  fs::remove(p);
  struct Rec {
    char model[8];
    std::int64_t n_params, data_tokens;
    char task[8], prompt[8], metric[16];
    double value, random_baseline;
  };
  Rec rec{};
  std::strcpy(rec.model, "xs");
  rec.n_params = 10;
  rec.data_tokens = 20;
  std::strcpy(rec.task, "mc");
  std::strcpy(rec.prompt, "cot");
  std::strcpy(rec.metric, "acc");
  rec.value = 0.5;
  rec.random_baseline = 0.25;
  const hid_t file = H5Fcreate(p.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT);
  const hid_t s8 = H5Tcopy(H5T_C_S1), s16 = H5Tcopy(H5T_C_S1);
  H5Tset_size(s8, 8);
  H5Tset_size(s16, 16);
  const hid_t t = H5Tcreate(H5T_COMPOUND, sizeof(Rec));
  H5Tinsert(t, "model", offsetof(Rec, model), s8);
  H5Tinsert(t, "n_params", offsetof(Rec, n_params), H5T_NATIVE_INT64);
  H5Tinsert(t, "data_tokens", offsetof(Rec, data_tokens), H5T_NATIVE_INT64);
  H5Tinsert(t, "task", offsetof(Rec, task), s8);
  H5Tinsert(t, "prompt", offsetof(Rec, prompt), s8);
  H5Tinsert(t, "metric", offsetof(Rec, metric), s16);
  H5Tinsert(t, "value", offsetof(Rec, value), H5T_NATIVE_DOUBLE);
  H5Tinsert(t, "random_baseline", offsetof(Rec, random_baseline), H5T_NATIVE_DOUBLE);
  const hsize_t dims[1] = {1};
  const hid_t space = H5Screate_simple(1, dims, nullptr);
  const hid_t ds = H5Dcreate2(file, "metrics", t, space, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
  ASSERT_GE(H5Dwrite(ds, t, H5S_ALL, H5S_ALL, H5P_DEFAULT, &rec), 0);
  H5Dclose(ds), H5Sclose(space), H5Tclose(t), H5Tclose(s8), H5Tclose(s16), H5Fclose(file);

  const auto rows = read_store_metrics(p.string());
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_DOUBLE_EQ(rows[0].random_baseline, 0.25);
  EXPECT_EQ(rows[0].metric, "acc");
  EXPECT_TRUE(std::isnan(rows[0].std_err));  // no stderr column
  EXPECT_DOUBLE_EQ(rows[0].flops, 6.0 * 10 * 20);
  EXPECT_EQ(rows[0].seed, 0);  // no schema_version 5 columns: unknown seed, no budget, no axes
  EXPECT_EQ(rows[0].compute_budget, 0.0);
  EXPECT_EQ(rows[0].axes, "");
  const auto curves = build_curves(rows, {}, MetricRegistry());
  ASSERT_FALSE(curves.empty());
  EXPECT_DOUBLE_EQ(curves[0].baseline, 0.25);
  EXPECT_EQ(curves[0].baseline_source, "column");
}

TEST(Curves, BaselinesComeFromRowsThenCommandLineThenTheRegistry) {
  std::vector<TidyRow> rows;
  for (const char* task : {"mc", "cli", "free", "unknown"}) {
    TidyRow r;
    r.model = "xs", r.n_params = 10, r.data_tokens = 20, r.flops = 1200, r.task = task, r.prompt = "cot";
    r.metric = std::string(task) == "free" ? "exact_match" : "acc", r.value = 0.5;
    rows.push_back(r);
  }
  TidyRow b = rows[0];
  b.metric = "random_baseline", b.value = 0.25, b.prompt = "";
  rows.push_back(b);
  const auto curves = build_curves(rows, {{"cli", 0.1}}, MetricRegistry());
  std::map<std::string, std::pair<double, std::string>> got;
  for (const auto& c : curves) got[c.task] = {c.baseline, c.baseline_source};
  EXPECT_EQ(got["mc"], std::make_pair(0.25, std::string("metric_rows")));
  EXPECT_EQ(got["cli"], std::make_pair(0.1, std::string("command_line")));
  EXPECT_EQ(got["free"], std::make_pair(0.0, std::string("registry")));  // exact match of free text
  // Multiple-choice acc has no chance level of its own (1/K): none, not 0.
  EXPECT_TRUE(std::isnan(got["unknown"].first));
  EXPECT_EQ(got["unknown"].second, "none");
}

TEST(Curves, ParamsAxisTakesEachSizesBestTrainedPointAndFlopsAxisOnlyOneDataSizePerModel) {
  std::vector<TidyRow> rows;
  for (double n : {10.0, 100.0})
    for (double d : {1000.0, 4000.0}) {
      TidyRow r;
      r.model = "m", r.n_params = n, r.data_tokens = d, r.flops = 6 * n * d, r.task = "t", r.prompt = "p";
      r.metric = "exact_match", r.value = n * d / 1e6;
      rows.push_back(r);
      TidyRow loss = r;
      loss.task = "", loss.prompt = "", loss.metric = "eval_loss", loss.value = 3;
      rows.push_back(loss);  // not an ability curve
    }
  // Two data sizes per model: over FLOPs the points zigzag between models, so
  // there is no flops curve, and the params curve's notes say why.
  auto curves = build_curves(rows, {}, MetricRegistry());
  ASSERT_EQ(curves.size(), 1u);
  EXPECT_EQ(curves[0].axis, "params");
  ASSERT_EQ(curves[0].points.size(), 2u);
  EXPECT_DOUBLE_EQ(curves[0].points[0].value, 10 * 4000 / 1e6);
  EXPECT_DOUBLE_EQ(curves[0].points[1].value, 100 * 4000 / 1e6);
  ASSERT_EQ(curves[0].notes.size(), 1u);
  EXPECT_NE(curves[0].notes[0].find("not judged over compute"), std::string::npos) << curves[0].notes[0];
  // One data size per model (published families, Chinchilla-style suites): a flops curve.
  std::vector<TidyRow> one;
  for (const auto& r : rows)
    if (r.data_tokens == (r.n_params == 10.0 ? 1000.0 : 4000.0)) one.push_back(r);
  curves = build_curves(one, {}, MetricRegistry());
  ASSERT_EQ(curves.size(), 2u);
  EXPECT_EQ(curves[1].axis, "flops");
  EXPECT_EQ(curves[1].points.size(), 2u);
}

TEST(Analyze, JudgesCurvesUnderBigBenchMetricNames) {
  // A task file's metrics as a sweep stores them: exact_str_match jumps from
  // zero (a table without its baseline: accuracy-like, so 0), multiple_choice_grade
  // from its 0.25 baseline, BLEU from under 2 points (chance on its 0-100
  // scale) to 40; ROUGE climbs steadily.
  const fs::path p = temp_dir() / "bigbench.csv";
  {
    std::ofstream out(p);
    out << "model,n_params,data_tokens,flops,task,prompt,metric,value,stderr,n_examples,random_baseline\n";
    const double sizes[] = {1e6, 1e7, 1e8, 1e9, 1e10};
    const double str_match[] = {0, 0, 0, 0.6, 0.9}, mc[] = {0.25, 0.26, 0.25, 0.7, 0.85};
    const double bleu[] = {0.5, 1.0, 1.5, 20, 40};
    for (int i = 0; i < 5; ++i) {
      const std::string row = "m" + std::to_string(i) + "," + std::to_string(sizes[i]) + ",1e9,,arith_file,few_shot,";
      out << row << "exact_str_match," << str_match[i] << ",,200,\n";
      out << row << "multiple_choice_grade," << mc[i] << ",,200,0.25\n";
      out << row << "bleu," << bleu[i] << ",,200,0\n";
      out << row << "rougeLsum," << 10 + 12 * i << ",1.0,200,0\n";
    }
  }
  AnalyzeOptions options;
  options.bootstrap = 0;
  const Analysis a = analyze(read_tidy_csv(p.string()), p.string(), options);
  std::map<std::string, Shape> shapes;
  for (const auto& cv : a.verdicts)
    if (cv.curve.axis == "params") shapes[cv.curve.metric] = cv.verdict.shape;
  EXPECT_EQ(shapes.at("exact_str_match"), Shape::Emergent);
  EXPECT_EQ(shapes.at("multiple_choice_grade"), Shape::Emergent);
  EXPECT_EQ(shapes.at("bleu"), Shape::Emergent);
  EXPECT_EQ(shapes.at("rougeLsum"), Shape::SmoothPositive);
}

TEST(AnalysisFile, DefaultNameIsOnePerSourceBesideIt) {
  EXPECT_EQ(default_analysis_path("results/grid.h5"), "results/grid.analysis.h5");
  EXPECT_EQ(default_analysis_path("pub.csv"), "pub.analysis.h5");
  EXPECT_EQ(default_analysis_path("notes"), "notes.analysis.h5");
}

TEST(AnalysisFile, IsWrittenOnceAndNeverOverwritten) {
  const fs::path p = temp_dir() / "findings.h5";
  fs::remove(p);
  Analysis a;
  a.source = "x.csv";
  a.loss_metric = "loss";
  write_analysis_file(p.string(), a, "test", "2024-05-01T00:00:00Z");
  EXPECT_TRUE(fs::exists(p));
  const auto size = fs::file_size(p);
  EXPECT_THROW(write_analysis_file(p.string(), a, "test", "2024-05-01T00:00:00Z"), std::runtime_error);
  EXPECT_EQ(fs::file_size(p), size);
}

// ---- CSV robustness and the metric registry (published results as people export them)

namespace {

// Writes `text` to a CSV in the test's temp dir; returns its path.
std::string write_csv(const std::string& name, const std::string& text) {
  const fs::path p = temp_dir() / name;
  std::ofstream(p, std::ios::binary) << text;
  return p.string();
}

std::string error_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const std::runtime_error& e) {
    return e.what();
  }
  return "(no error)";
}

}  // namespace

TEST(TidyCsv, SkipsAUtf8ByteOrderMark) {
  const auto p = write_csv("bom.csv", "\xEF\xBB\xBFmodel,n_params,task,prompt,metric,value\nm,1e6,t,p,acc,0.5\n");
  const auto rows = read_tidy_csv(p);
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].model, "m");
}

TEST(TidyCsv, DataTokensAreOptionalForAbilityCurvesWhichThenHaveNoComputeAxis) {
  const auto p = write_csv("nod.csv",
                           "model,family,n_params,task,prompt,metric,value\n"
                           "a,pythia,1e8,t,p,acc,0.3\nb,pythia,1e9,t,p,acc,0.5\n");
  const auto rows = read_tidy_csv(p);
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_TRUE(std::isnan(rows[0].data_tokens));
  EXPECT_TRUE(std::isnan(rows[0].flops));
  EXPECT_EQ(rows[0].family, "pythia");
  const auto curves = build_curves(rows, {}, MetricRegistry());
  ASSERT_EQ(curves.size(), 1u);
  EXPECT_EQ(curves[0].axis, "params");
  EXPECT_EQ(curves[0].points.size(), 2u);
}

TEST(Curves, FamiliesAreNeverMerged) {
  const auto p = write_csv("fam.csv",
                           "model,family,n_params,data_tokens,task,prompt,metric,value\n"
                           "a,pythia,1e8,3e11,t,p,acc,0.3\nb,opt,1e8,1.8e11,t,p,acc,0.4\n"
                           "c,pythia,1e9,3e11,t,p,acc,0.5\n");
  const auto curves = build_curves(read_tidy_csv(p), {}, MetricRegistry());
  std::map<std::pair<std::string, std::string>, std::size_t> points;
  for (const auto& c : curves) points[{c.family, c.axis}] = c.points.size();
  EXPECT_EQ(points[std::make_pair(std::string("pythia"), std::string("params"))], 2u);
  EXPECT_EQ(points[std::make_pair(std::string("opt"), std::string("params"))], 1u);
}

TEST(Curves, PercentScalesAreDetectedOrDeclaredAndOutOfRangeValuesRefused) {
  // acc on 0-100: detected, read as fractions, said in a note.
  auto p = write_csv("pct.csv", "model,n_params,task,prompt,metric,value\na,1e8,t,p,acc,25.0\nb,1e9,t,p,acc,57.5\n");
  auto curves = build_curves(read_tidy_csv(p), {}, MetricRegistry());
  ASSERT_FALSE(curves.empty());
  EXPECT_DOUBLE_EQ(curves[0].points[1].value, 0.575);
  ASSERT_EQ(curves[0].notes.size(), 1u);
  EXPECT_NE(curves[0].notes[0].find("detected"), std::string::npos) << curves[0].notes[0];
  // Declared: 0.5% exact match cannot be detected, the scale column says it.
  p = write_csv("pct2.csv",
                "model,n_params,task,prompt,metric,value,scale\na,1e8,t,p,exact_match,0.5,100\n"
                "b,1e9,t,p,exact_match,40,100\n");
  const auto rows = read_tidy_csv(p);
  MetricRegistry r;
  for (const auto& row : rows) r.declare(row.metric, {row.higher_is_better, row.scale, row.where_metric});
  curves = build_curves(rows, {}, r);
  EXPECT_DOUBLE_EQ(curves[0].points[0].value, 0.005);
  // Beyond 100 is no percentage: refused with the file, line, column and metric.
  p = write_csv("pct3.csv", "model,n_params,task,prompt,metric,value\na,1e8,t,p,acc,250\n");
  const std::string e = error_of([&] { build_curves(read_tidy_csv(p), {}, MetricRegistry()); });
  EXPECT_NE(e.find("pct3.csv:2:15: value: 250 is outside the range of metric 'acc'"), std::string::npos) << e;
}

TEST(MetricRegistry, UnknownMetricsAreRefusedWithHowToDeclareThem) {
  const auto p = write_csv("unk.csv", "model,n_params,task,prompt,metric,value\na,1e8,t,p,token_loss,3.1\n");
  const std::string e = error_of([&] { build_curves(read_tidy_csv(p), {}, MetricRegistry()); });
  EXPECT_NE(e.find("unk.csv:2:11: metric: unknown metric 'token_loss'"), std::string::npos) << e;
  EXPECT_NE(e.find("--lower-is-better token_loss"), std::string::npos) << e;
  EXPECT_NE(e.find("higher_is_better column"), std::string::npos) << e;
  MetricRegistry r;
  r.declare("token_loss", {0, 0, "--lower-is-better token_loss"});
  const auto curves = build_curves(read_tidy_csv(p), {}, r);
  ASSERT_FALSE(curves.empty());
  EXPECT_FALSE(curves[0].info.higher_is_better);
  // Declaring a direction twice, differently, names both places.
  const std::string clash = error_of([&] { r.declare("token_loss", {1, 0, "x.csv:3:9"}); });
  EXPECT_NE(clash.find("conflicts with --lower-is-better token_loss"), std::string::npos) << clash;
}

TEST(MetricRegistry, KnowsDirectionsOfHarnessAndBigBenchMetrics) {
  const MetricRegistry r;
  for (const char* lower : {"ppl", "word_perplexity", "bits_per_byte", "ece", "brier", "edit_distance",
                            "expected_calibration_error", "eval_loss"})
    EXPECT_FALSE(r.find(lower)->higher_is_better) << lower;
  for (const char* higher : {"acc", "acc_norm", "mc1", "mc2", "f1", "exact_match", "exact_str_match",
                             "multiple_choice_grade", "mc_accuracy", "mc_accuracy_norm", "logprob", "bleu"})
    EXPECT_TRUE(r.find(higher)->higher_is_better) << higher;
  EXPECT_EQ(r.find("mc_accuracy")->kind, MetricKind::Accuracy);
  EXPECT_EQ(r.find("ece")->kind, MetricKind::Calibration);
  EXPECT_TRUE(std::isnan(r.find("acc")->chance));  // multiple choice: the task's 1/K
  EXPECT_EQ(r.find("exact_match")->chance, 0.0);
  EXPECT_EQ(r.find("ppl")->kind, MetricKind::Loss);
}
