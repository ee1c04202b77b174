#include "authority_client.h"

#include <algorithm>
#include <thread>

#include <nlohmann/json.hpp>

#include "shiming/sdk/pii.h"

namespace shiming::authority {
namespace {

using std::chrono::duration_cast;
using std::chrono::milliseconds;
using std::chrono::seconds;

std::chrono::seconds parse_retry_after(const std::string& header, const nlohmann::json* body) {
  long long v = 0;
  if (!header.empty() && header.find_first_not_of("0123456789") == std::string::npos &&
      header.size() < 9)
    v = std::stoll(header);
  else if (body && body->is_object() && body->contains("retry_after") &&
           (*body)["retry_after"].is_number_integer())
    v = (*body)["retry_after"].get<long long>();
  return seconds(std::clamp<long long>(v, 0, 86400));
}

// The gateway's error envelope code, if any.
std::string gateway_error_code(const std::string& body) {
  auto j = nlohmann::json::parse(body, nullptr, false);
  if (j.is_object() && j.contains("error") && j["error"].is_object() &&
      j["error"].contains("code") && j["error"]["code"].is_string())
    return j["error"]["code"].get<std::string>();
  return "UNKNOWN";
}

seconds ceil_seconds(milliseconds ms) {
  return seconds(std::max<long long>(1, (ms.count() + 999) / 1000));
}

}  // namespace

std::string check_body(const CheckRequest& r) {
  nlohmann::json j = {{"request_id", r.idempotency_key}, {"name", r.name}, {"id_number", r.id_number}};
  if (r.photo) {
    j["photo"] = base64_encode(*r.photo);
    j["photo_content_type"] = r.photo_content_type;
  }
  return j.dump();
}

AuthorityClient::AuthorityClient(AuthoritySettings settings, std::shared_ptr<HttpsClient> https,
                                 std::shared_ptr<CircuitBreaker> breaker)
    : settings_(std::move(settings)), https_(std::move(https)), breaker_(std::move(breaker)) {}

sdk::Finding AuthorityClient::check(const CheckRequest& request, sdk::Clock& clock,
                                    sdk::Logger& log) const {
  const std::string body = check_body(request);
  const std::string who = "case=" + request.case_id + " id=" + sdk::mask_id_number(request.id_number);
  const auto started = std::chrono::steady_clock::now();

  int attempts = 0;
  bool opened_breaker = false;
  std::string last_problem;
  seconds server_retry_after{0};
  std::optional<sdk::Finding> result;
  int last_status = 0;

  for (int attempt = 1; attempt <= settings_.max_attempts && !result; ++attempt) {
    auto permit = breaker_->acquire(clock.now());
    if (!permit.allowed) {
      result = waiting_finding("AUTHORITY_BREAKER_OPEN", "circuit breaker open",
                               std::max(ceil_seconds(permit.retry_in), server_retry_after));
      break;
    }
    ++attempts;
    // Signed per send: a fresh timestamp and nonce each time.
    auto send = [&] {
      const std::string ts = std::to_string(
          duration_cast<seconds>(clock.now().time_since_epoch()).count());
      const std::string nonce = random_hex(16);
      const std::string path(kCheckPath);
      std::vector<std::pair<std::string, std::string>> headers = {
          {std::string(kHeaderClient), settings_.client_id},
          {std::string(kHeaderTimestamp), ts},
          {std::string(kHeaderNonce), nonce},
          {std::string(kHeaderIdempotencyKey), request.idempotency_key},
          {std::string(kHeaderSignature),
           sign_request(settings_.hmac_key, "POST", path, ts, nonce, body)},
      };
      return https_->post(path, headers, body, "application/json");
    };
    TransportResult r = send();
    // A kept-alive connection closed under us is not the gateway failing:
    // send once more on a new connection, within the same attempt.
    if (r.reused_connection_closed) r = send();

    auto failure = [&](const std::string& problem) {
      last_problem = problem;
      if (breaker_->on_failure(permit, clock.now())) {
        opened_breaker = true;
        log.warn("authority circuit breaker opened endpoint=" + settings_.endpoint + " after: " +
                 problem);
      }
    };

    if (r.error == TransportError::certificate || r.error == TransportError::tls_failed) {
      // Not retried in the call: a certificate problem does not heal in
      // milliseconds. The case waits; operators see the error line.
      failure(r.detail);
      log.error("authority TLS refused endpoint=" + settings_.endpoint + ": " + r.detail);
      result = waiting_finding("AUTHORITY_TLS_REFUSED", r.detail, settings_.retry_after);
      break;
    }
    if (r.error != TransportError::none) {
      failure(std::string(to_string(r.error)) + ": " + r.detail);
      log.warn("authority attempt " + std::to_string(attempt) + " failed " + who + ": " +
               to_string(r.error));
    } else {
      last_status = r.response.status;
      auto j = nlohmann::json::parse(r.response.body, nullptr, false);
      const nlohmann::json* jp = j.is_discarded() ? nullptr : &j;
      const int status = r.response.status;
      std::optional<Answer> answer;
      if (jp && j.is_object() && j.contains("result") && j["result"].is_string())
        answer = parse_answer(j["result"].get<std::string>());

      if (status == 429 || (status == 200 && answer == Answer::rate_limited)) {
        breaker_->on_success(permit);
        auto after = std::max(parse_retry_after(r.response.retry_after, jp), seconds(1));
        log.info("authority rate limited " + who + " retry_after=" + std::to_string(after.count()));
        result = waiting_finding("AUTHORITY_RATE_LIMITED", "rate limited", after);
      } else if (status >= 500 || answer == Answer::unavailable) {
        server_retry_after = std::max(server_retry_after, parse_retry_after(r.response.retry_after, jp));
        failure("HTTP " + std::to_string(status) + (answer ? " unavailable" : ""));
        log.warn("authority attempt " + std::to_string(attempt) + " got HTTP " +
                 std::to_string(status) + " " + who);
      } else if (status == 200) {
        if (!answer) {
          failure("malformed answer");
          log.warn("authority gateway sent a malformed answer " + who);
          result = waiting_finding("AUTHORITY_BAD_ANSWER", "malformed answer", settings_.retry_after);
          break;
        }
        breaker_->on_success(permit);
        std::optional<double> similarity;
        if (j.contains("similarity") && j["similarity"].is_number())
          similarity = j["similarity"].get<double>();
        auto f = finding_for_answer(*answer, similarity, settings_.answers);
        f.details["answer"] = to_string(*answer);
        if (similarity) f.details["similarity"] = *similarity;
        log.info("authority answer " + std::string(to_string(*answer)) + " " + who +
                 " attempts=" + std::to_string(attempts));
        result = std::move(f);
      } else {
        // The gateway is up and refused the request itself: signature, clock,
        // nonce, certificate subject, body. A person must look at it.
        breaker_->on_success(permit);
        const std::string code = gateway_error_code(r.response.body);
        log.error("authority gateway refused the request " + who + " HTTP " +
                  std::to_string(status) + " code=" + code);
        if (code == "STALE_TIMESTAMP")
          result = error_finding("AUTHORITY_CLOCK_SKEW",
                                 "The gateway refused the request timestamp: check this server's clock.",
                                 "核验网关拒绝了请求时间戳：请检查服务器时钟。");
        else
          result = error_finding("AUTHORITY_REQUEST_REFUSED",
                                 "The identity authority gateway refused the request (HTTP " +
                                     std::to_string(status) + ", " + code + ").",
                                 "身份核验网关拒绝了请求（HTTP " + std::to_string(status) + "，" +
                                     code + "）。");
        result->details["gateway_code"] = code;
        break;
      }
    }
    if (!result && attempt < settings_.max_attempts)
      std::this_thread::sleep_for(settings_.backoff.delay(attempt));
  }

  if (!result) {
    log.warn("authority unavailable after " + std::to_string(attempts) + " attempts " + who +
             ": the case waits in the queue");
    result = waiting_finding("AUTHORITY_UNAVAILABLE", last_problem,
                             std::max(settings_.retry_after, server_retry_after));
  }
  auto& d = result->details;
  d["attempts"] = attempts;
  d["retries"] = std::max(0, attempts - 1);
  d["breaker_opened"] = opened_breaker;
  d["breaker_state"] = to_string(breaker_->state(clock.now()));
  d["idempotency_key"] = request.idempotency_key;
  d["photo_sent"] = request.photo.has_value();
  if (last_status) d["http_status"] = last_status;
  d["elapsed_ms"] = duration_cast<milliseconds>(std::chrono::steady_clock::now() - started).count();
  return *result;
}

}  // namespace shiming::authority
