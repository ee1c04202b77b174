#pragma once
// What a verifier concludes about one case.
#include <chrono>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace shiming::sdk {

enum class Outcome {
  pass,          // the step is satisfied
  fail,          // the step proves a problem; reasons say what the citizen can do
  needs_review,  // not sure: a person decides
  error,         // the verifier itself failed (bug, bad config): a person decides
  retry,         // a dependency is unavailable: run the step again later, never reject
};

const char* to_string(Outcome o);

// One reason code with its explanation and the advice a citizen needs.
// Provinces may override message and advice per code in their rules.
struct Reason {
  std::string code;        // UPPER_SNAKE, stable: clients and rules key on it
  std::string message;     // English
  std::string message_zh;  // zh-CN
  std::string advice;      // what to do next, English
  std::string advice_zh;   // what to do next, zh-CN
};

struct Finding {
  std::string verifier;                // filled by the host
  Outcome outcome = Outcome::error;
  double score = 0.0;                  // 0..1 where meaningful
  std::vector<Reason> reasons;
  nlohmann::json details = nlohmann::json::object();  // extracted fields, confidences, timings
  std::chrono::seconds retry_after{0};  // with Outcome::retry

  static Finding passed(double score = 1.0) {
    Finding f; f.outcome = Outcome::pass; f.score = score; return f;
  }
  static Finding with(Outcome o, Reason r) {
    Finding f; f.outcome = o; f.reasons.push_back(std::move(r)); return f;
  }
};

inline const char* to_string(Outcome o) {
  switch (o) {
    case Outcome::pass: return "pass";
    case Outcome::fail: return "fail";
    case Outcome::needs_review: return "needs_review";
    case Outcome::error: return "error";
    case Outcome::retry: return "retry";
  }
  return "error";
}

}  // namespace shiming::sdk
