// The HTTP response parser of the OpenAI-compatible backend: byte 0's low bits choose
// chat/completion and grammar; the rest is the reply body a server sent.
#include <cstddef>
#include <cstdint>
#include <string>

#include "backends/openai_wire.h"
#include "fuzz_input.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    if (size == 0) return 0;
    const bool chat = (data[0] & 1) != 0;
    const bool had_grammar = (data[0] & 2) != 0;
    const std::string body(biomedq::fuzz::as_view(data + 1, size - 1));
    auto reply = biomedq::backends::parse_reply(body, chat, had_grammar);
    (void)reply;
    return 0;
}
