// Pieces report.md and report.html share (defined in report_text.cpp): how a difference, a test-set
// note, fidelity, the protocol and a task's metric read, and the summary table's lines.
#pragma once

#include <string>
#include <vector>

#include "biomedq/report.h"

namespace biomedq {

std::string difference_text(const ReportRow& r);
std::string test_set_note_text(const std::string& task, const std::string& note);
// The distinct test-set notes of a task's rows, in row order.
std::vector<std::string> task_test_set_notes(const ReportData& data, const std::string& task);
// "-" without a fidelity measurement (full precision, or none stored).
std::string kl_text(const ReportRow& r);
std::string top1_text(const ReportRow& r);
// What the protocol means for the numbers.
std::string protocol_description(const std::string& protocol);
// "Metric: <name> (<published name>): <definition>." for the task's primary metric.
std::string metric_line(const ReportData& data, const std::string& task);

// One line of the summary table per run (the paper's "score vs memory per model and type"): its
// memory and fidelity once, then its primary score on each task.
struct SummaryLine {
    std::string model, quant, prompt;
    double bits_per_weight = 0.0;
    std::string peak, saved, kl, top1;
    bool is_reference = false;
    std::vector<std::string> task_cells;  // data.tasks order; "-" where the run has no such task
    std::vector<std::string> task_marks;  // "significant gain" / "significant loss" / ""
};
std::vector<SummaryLine> summary_lines(const ReportData& data);

}  // namespace biomedq
