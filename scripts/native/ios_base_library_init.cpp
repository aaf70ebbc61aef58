// Provides std::ios_base_library_init(), the one GLIBCXX_3.4.32 (GCC 13) symbol that TorchSharp's
// libLibTorchSharp.so needs. GCC 13 emits a call to it to initialise the standard streams; on an
// older libstdc++ constructing an ios_base::Init object does the same job.
#include <ios>

namespace std {
__attribute__((visibility("default"))) void ios_base_library_init() {
    static ios_base::Init init;
}
}
