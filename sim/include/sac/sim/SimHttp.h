#pragma once

#include <map>
#include <string>
#include <vector>

namespace sac::sim {

/// A file part of a multipart request (never part of the signature).
struct SimFilePart {
  std::string filename;
  std::string content_type;
  std::string bytes;
};

/// A decoded HTTP request, independent of the HTTP library. Parameters from the query
/// string and from a form-encoded or multipart body are merged into `params` (the body
/// wins on a duplicate name); values are already percent-decoded.
struct SimRequest {
  std::string verb;  ///< "GET", "POST", ...
  std::string path;  ///< without the query string
  std::map<std::string, std::string> params;
  std::map<std::string, SimFilePart> files;
  std::string body;  ///< raw body for JSON control requests (empty for form bodies)
  /// Request headers, names lower-cased (the last value wins on a repeated name).
  std::map<std::string, std::string> headers;

  /// The header value, or "" when absent. `lower_name` must be lower-case.
  std::string header(const std::string& lower_name) const {
    const auto it = headers.find(lower_name);
    return it == headers.end() ? std::string() : it->second;
  }
};

/// What the server writes back. `delay_ms` is honoured by the server before it writes
/// (slow-response fault); it never holds a lock while waiting.
struct SimResponse {
  int status = 200;
  std::string content_type = "application/json;charset=UTF-8";
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;
  int delay_ms = 0;
};

}  // namespace sac::sim
