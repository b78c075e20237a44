// The findings of `sweep analyze` as their own HDF5 file, beside the store:
// the store itself is only ever opened read-only (a sweep may still be
// writing it as SWMR, where creating objects would break its readers).
#pragma once

#include <string>

#include "analysis/report.hpp"

namespace sweep::analysis {

// Where findings go when no --out is given: `SOURCE.analysis.h5` beside the
// source (SOURCE without its .h5 or .csv extension). One per source: each
// analysis replaces the last (analyze_command writes a temporary file and
// renames it over), so repeated runs never pile up files.
std::string default_analysis_path(const std::string& source);

// Whether `path` is a findings file (root attributes report_json and
// sweep_version, a /verdicts table): only those are ever replaced.
bool is_analysis_file(const std::string& path);

// Writes a new file at `path` (refusing an existing one): root attributes
// source, created, sweep_version, report_text, report_json; 1-D compound
// datasets /chinchilla (0 or 1 row), /power_laws, /verdicts, /crossovers,
// /artefacts (see analysis/README.md).
void write_analysis_file(const std::string& path, const Analysis& a, const std::string& sweep_version,
                         const std::string& created);

}  // namespace sweep::analysis
