# bpf_object(NAME SOURCE) -> INTERFACE target NAME_skel exposing NAME.skel.h.
# vmlinux.h is generated from the running kernel's BTF (CO-RE makes the object
# portable to other BTF kernels); the depfile makes edits to bpf/*.h rebuild it.
find_program(BPF_CLANG NAMES clang clang-14 REQUIRED)
find_program(BPFTOOL NAMES bpftool PATHS /usr/sbin /usr/local/sbin REQUIRED)

set(VMLINUX_BTF /sys/kernel/btf/vmlinux CACHE FILEPATH "BTF used to generate vmlinux.h")
if(NOT EXISTS ${VMLINUX_BTF})
  message(FATAL_ERROR "pare: ${VMLINUX_BTF} not found: the kernel has no BTF (CONFIG_DEBUG_INFO_BTF=y is required)")
endif()

if(CMAKE_SYSTEM_PROCESSOR MATCHES "x86_64|AMD64")
  set(BPF_TARGET_ARCH x86)
elseif(CMAKE_SYSTEM_PROCESSOR MATCHES "aarch64|arm64")
  set(BPF_TARGET_ARCH arm64)
else()
  message(FATAL_ERROR "pare: unsupported architecture ${CMAKE_SYSTEM_PROCESSOR}")
endif()

set(BPF_GEN_DIR ${CMAKE_BINARY_DIR}/bpfgen)
file(MAKE_DIRECTORY ${BPF_GEN_DIR})
add_custom_command(
  OUTPUT ${BPF_GEN_DIR}/vmlinux.h
  COMMAND ${BPFTOOL} btf dump file ${VMLINUX_BTF} format c > ${BPF_GEN_DIR}/vmlinux.h
  COMMENT "Generating vmlinux.h from ${VMLINUX_BTF}")

function(bpf_object name source)
  get_filename_component(src ${source} ABSOLUTE)
  get_filename_component(src_dir ${src} DIRECTORY)
  set(obj ${BPF_GEN_DIR}/${name}.bpf.o)
  set(skel ${BPF_GEN_DIR}/${name}.skel.h)
  add_custom_command(
    OUTPUT ${obj}
    COMMAND ${BPF_CLANG} -g -O2 -Wall -target bpf -D__BPF__ -D__TARGET_ARCH_${BPF_TARGET_ARCH}
            -I${BPF_GEN_DIR} -I${src_dir} -MD -MF ${obj}.d -c ${src} -o ${obj}
    DEPENDS ${src} ${BPF_GEN_DIR}/vmlinux.h
    DEPFILE ${obj}.d
    COMMENT "BPF ${name}.bpf.o")
  add_custom_command(
    OUTPUT ${skel}
    COMMAND ${BPFTOOL} gen skeleton ${obj} name ${name}_bpf > ${skel}
    DEPENDS ${obj}
    COMMENT "BPF skeleton ${name}.skel.h")
  add_custom_target(${name}_skel_gen DEPENDS ${skel})
  add_library(${name}_skel INTERFACE)
  add_dependencies(${name}_skel ${name}_skel_gen)
  target_include_directories(${name}_skel INTERFACE ${BPF_GEN_DIR} ${src_dir})
endfunction()
