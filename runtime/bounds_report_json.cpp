// A small JSON writer for the bounds report: escaped strings, shortest round-trip numbers.
#include "runtime/bounds_report_json.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace cert {

namespace {

std::string quote(const std::string& s) {
  std::string out = "\"";
  for (unsigned char c : s) {
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      default:
        if (c < 0x20) {
          char buf[8];
          std::snprintf(buf, sizeof buf, "\\u%04x", c);
          out += buf;
        } else {
          out += static_cast<char>(c);
        }
    }
  }
  return out + "\"";
}

/// JSON has no infinities: they are written as null.
std::string number(double v) {
  if (!std::isfinite(v)) return "null";
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.17g", v);
  return buf;
}

std::string shapeArray(const std::vector<int64_t>& shape) {
  std::string out = "[";
  for (size_t i = 0; i < shape.size(); ++i) out += (i ? "," : "") + std::to_string(shape[i]);
  return out + "]";
}

std::string array(const Eigen::Ref<const Eigen::VectorXd>& v) {
  std::string out = "[";
  for (Eigen::Index i = 0; i < v.size(); ++i) out += (i ? "," : "") + number(v[i]);
  return out + "]";
}

/// The largest figure of any item: 0 stored state, 1 its all-neurons dense form, 2 network
/// weights referenced by the state.
int64_t statePeak(const RunResult& run, int which) {
  int64_t peak = 0;
  for (const ItemResult& it : run.items)
    peak = std::max(peak, which == 0 ? it.stateBytes : which == 1 ? it.denseStateBytes : it.referencedWeightBytes);
  return peak;
}

std::string rulesArray(const std::optional<std::vector<RuleProofEntry>>& rules) {
  if (!rules) return "null";
  std::string o = "[";
  for (size_t k = 0; k < rules->size(); ++k) {
    const RuleProofEntry& r = (*rules)[k];
    o += (k ? ", " : "") + std::string("{\"transformer\": ") + quote(r.transformer) + ", \"op\": " + quote(r.op) +
         ", \"verdict\": " + quote(r.verdict) + ", \"reason\": " + quote(r.reason) +
         ", \"cached\": " + (r.cached ? "true" : "false") + "}";
  }
  return o + "]";
}

}  // namespace

std::string boundsReportJson(const ReportInfo& info, const Network& net, const RunResult& run) {
  std::string o = "{\"spec\": " + quote(info.spec) + ", \"network\": " + quote(info.network) +
                  ", \"backend\": " + quote(info.backend) +
                  ", \"intermediate\": " + quote(info.intermediate) + ", \"eps\": " + number(info.eps) +
                  ",\n \"time_ms\": {\"compile\": " + number(info.compileMs) + ", \"prove\": " + number(info.proveMs) +
                  ", \"run\": " + number(info.runMs) + "},\n \"rules\": " + rulesArray(info.rules) +
                  ",\n \"memory_bytes\": {\"state_peak\": " + std::to_string(statePeak(run, 0)) +
                  ", \"dense_equivalent\": " + std::to_string(statePeak(run, 1)) +
                  ", \"network_weights_referenced\": " + std::to_string(statePeak(run, 2)) + "},\n \"inputs\": [";
  for (size_t k = 0; k < run.items.size(); ++k) {
    const ItemResult& it = run.items[k];
    o += k ? ",\n  {" : "\n  {";
    o += "\"index\": " + std::to_string(it.index) + ", \"label\": " +
         (it.label ? std::to_string(*it.label) : std::string("null")) +
         ", \"verified\": " + (it.verified ? "true" : "false") + ", \"status\": " + quote(verdictKey(it.verdict)) +
         ", \"reason\": " + quote(it.reason) + ",\n   \"layers\": [";
    for (size_t l = 0; l < it.layers.size() && l < net.layers.size(); ++l) {
      const Layer& layer = net.layers[l];
      o += l ? ",\n    " : "\n    ";
      o += "{\"layer\": " + std::to_string(layer.index) + ", \"name\": " + quote(layer.name) + ", \"op\": " +
           quote(layerOpName(layer.op)) + ", \"size\": " + std::to_string(layer.size()) +
           ", \"shape\": " + shapeArray(layer.shape) +
           ", \"time_ms\": " + number(it.layers[l].runMs);
      // null: a run that left the layer's bounds out as unread (RunOptions::allLayerBounds false)
      if (it.layers[l].computed)
        o += ", \"lower\": " + array(it.layers[l].lower) + ", \"upper\": " + array(it.layers[l].upper) + "}";
      else
        o += ", \"lower\": null, \"upper\": null}";
    }
    o += "],\n   \"margins\": {\"lower\": " + array(it.marginLower) + ", \"upper\": " + array(it.marginUpper) + "}}";
  }
  return o + "]}\n";
}

}  // namespace cert
