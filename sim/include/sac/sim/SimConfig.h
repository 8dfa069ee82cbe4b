#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace sac::sim {

/// One store (seller) known to the simulated AliExpress gateway: the application
/// credentials it calls with and the tokens issued before the simulator started.
struct SimStoreConfig {
  std::string app_key = "demo-app-key";
  std::string app_secret = "demo-app-secret";
  std::string access_token = "demo-access-token";    ///< pre-issued, long expiry
  std::string refresh_token = "demo-refresh-token";  ///< pre-issued, long expiry
  std::string seller_id = "2000000000000001";         ///< also used as user_id
  std::string user_nick = "br_demo_store";
};

/// One Login with Amazon (LWA) application and the seller refresh token issued to it
/// before the simulator started (a refresh token belongs to exactly one client).
struct LwaClientConfig {
  std::string client_id = "demo-lwa-client";
  std::string client_secret = "demo-lwa-secret";
  std::string refresh_token = "Atzr|demo-refresh";
  /// The SP-API application (Seller Central consent: application_id) this LWA client is.
  std::string application_id = "amzn1.sp.solution.demo-app";
  /// A draft application: its consent needs version=beta (Amazon's MD1000 otherwise).
  bool draft = false;
};

/// Settings of the simulated Amazon side (LWA + SP-API Reports 2021-06-30).
struct AmazonSimConfig {
  std::vector<LwaClientConfig> clients{LwaClientConfig{}};
  /// Catalog size (SKUs); report contents grow roughly linearly with it.
  std::uint32_t skus = 40;
  /// The seller's marketplace: the only marketplaceId createReport accepts. Country,
  /// currency and the report time zone follow it (see sim/README.md).
  std::string marketplace_id = "ATVPDKIKX0DER";
  std::int64_t access_token_ttl_s = 3600;  ///< LWA access tokens, simulator clock
  /// LWA authorization codes (spapi_oauth_code), simulator clock; Amazon's is 5 minutes.
  std::int64_t authorization_code_ttl_s = 300;
  /// The seller who confirms on the consent page (selling_partner_id).
  std::string selling_partner_id = "A1SACSIMSELLER";
  std::int64_t document_url_ttl_s = 300;   ///< presigned report document URLs
  /// getReport call (1-based, per report) at which the final status shows; earlier
  /// calls show IN_QUEUE (the first) then IN_PROGRESS. 1 = final on the first poll.
  int polls_to_done = 3;
  /// SP-API usage plans (AmazonUsagePlans): each operation's documented rate is multiplied
  /// by this per LWA client and refresh token (burst unchanged), so tests can go faster
  /// than Amazon; beyond it calls answer 429 QuotaExceeded. 0 = not enforced.
  double rate_multiplier = 1.0;
};

/// Simulator settings. All times are UTC epoch milliseconds.
struct SimConfig {
  std::string host = "127.0.0.1";  ///< bind address
  std::uint16_t port = 8090;       ///< 0 = pick a free port (see SimServer::port())
  std::uint64_t seed = 42;         ///< population seed: same seed + anchor = same data
  std::uint32_t disputes = 120;    ///< disputes per store
  std::vector<SimStoreConfig> stores{SimStoreConfig{}};

  /// Instant the population is generated around (disputes over the 8 months before it,
  /// deadlines a few days after it). 0 = the simulator clock at start, truncated to the
  /// UTC day, so two runs on the same day with the same seed serve the same data.
  std::int64_t anchor_ms = 0;
  /// When non-zero the simulator clock is frozen at this instant (plus /_sim/advance);
  /// otherwise it follows the real clock.
  std::int64_t fixed_now_ms = 0;

  std::int64_t access_token_ttl_s = 30LL * 24 * 3600;   ///< for tokens issued by /auth
  std::int64_t refresh_token_ttl_s = 180LL * 24 * 3600;
  std::int64_t timestamp_tolerance_ms = 2LL * 3600 * 1000;  ///< gateway accepts +- this

  /// Probability (0..1) that a business call gets a random transient fault
  /// (ApiCallLimit, HTTP 500 or code 15). 0 disables random faults.
  double fault_rate = 0.0;
  /// Answer issue lists without `total_item`, as a client must survive: it
  /// can only end a listing on what came back.
  bool omit_total_item = false;
  /// List rows carry an empty `gmt_modified` (missing times arrive as "").
  bool blank_gmt_modified = false;

  // AliExpress behaviour that can also change while the simulator runs (POST /_sim/config);
  // these are the start values, and what POST /_sim/reset restores.
  /// Fixed latency added to every AliExpress call (/sync and /rest), milliseconds.
  int latency_ms = 0;
  /// Disputes of the calling store that every aliexpress.issue.issuelist.get call moves
  /// between statuses (or creates) before it answers. 0 = a still population.
  int churn_per_list_call = 0;
  /// Business calls per second allowed per app key (token bucket); 0 = unlimited. A call
  /// beyond it starts a ban of `ban_seconds` during which every call of that app key gets
  /// ApiCallLimit.
  double app_qps = 0.0;
  /// Calls the bucket holds (may arrive at once); 0 = one second's worth (at least 1).
  int app_burst = 0;
  /// Length of a rate-limit ban, seconds.
  int ban_seconds = 1;
  /// Business calls per app key per day (Beijing time, as the platform counts); 0 =
  /// unlimited. Beyond it every call gets ApiCallLimit until the next Beijing midnight.
  std::int64_t app_daily_calls = 0;

  /// HTTP worker threads: every kept-alive connection holds one, so this bounds the
  /// connections served at the same time (more wait in the queue).
  int http_threads = 256;
  /// The Amazon side (uses `seed`, `anchor_ms` and the clock like the AliExpress side).
  AmazonSimConfig amazon;
  /// Write one line per request to stderr.
  bool verbose = false;
};

}  // namespace sac::sim
