// The tables report.md and report.html both show, as cells: one place formats them and names their
// columns, each renderer only lays them out (Markdown pipes or HTML rows) and escapes text its way.
#pragma once

#include <string>
#include <vector>

#include "biomedq/report.h"

namespace biomedq {

// Text columns are left-aligned in Markdown and, where a whole ReportTable is laid out in HTML,
// styled as text (class "text"); the others hold numbers. Headings are ours and need no escaping.
struct ReportColumn {
    std::string heading;
    bool text = false;
};

// Cells are formatted but not escaped.
struct ReportTable {
    std::vector<ReportColumn> columns;
    std::vector<std::vector<std::string>> rows;
};

// Memory and speed, one row per run.
ReportTable memory_speed_table(const ReportData& data);
// What each device holds, for the runs split over several devices; no rows when none is.
ReportTable device_memory_table(const ReportData& data);
// The per-task table's columns (its rows carry marks each renderer shows its own way).
std::vector<ReportColumn> task_table_columns();

}  // namespace biomedq
