// What a batch runs: dataset rows, the .vnnlib files of a folder, or a VNN-COMP instances CSV.
#pragma once

#include <QString>

#include <memory>
#include <vector>

#include "app/certstudio/run/run_job.h"

namespace cert::studio {

/// Where the items of a batch come from.
struct BatchSource {
  enum class Kind { DatasetRows, VnnlibFolder, InstancesCsv };
  Kind kind = Kind::DatasetRows;
  QString path;    ///< the dataset CSV, the folder, or the instances CSV
  int first = 0;   ///< DatasetRows: the first 0-based row
  int count = -1;  ///< DatasetRows: how many rows (-1: to the last row)
};

/// One item of a batch: one run of the batch's spec.
struct BatchEntry {
  QString name;      ///< "row 3", "prop_1", "mnist_relu_3_50 / prop_1"
  QString property;  ///< "label 7" or the VNN-LIB file name
  RunInput input;
  QString onnxPath;  ///< InstancesCsv: the item's network (empty: the batch's network)
  double timeoutS = 0;  ///< InstancesCsv: the instance's timeout (0: none)
};

/// The items of a source, or why there are none.
struct BatchList {
  std::vector<BatchEntry> entries;
  QString error;  ///< empty when the source could be listed
};

/// Lists the items of `source`. DatasetRows: rows [first, first + count) of the CSV (read once and
/// shared by the entries), clipped to the file; VnnlibFolder: every *.vnnlib file, sorted by name;
/// InstancesCsv: one entry per line `onnx,vnnlib[,timeout]` (paths relative to the CSV's folder;
/// blank lines and lines starting with '#' skipped).
BatchList listBatch(const BatchSource& source);

}  // namespace cert::studio
