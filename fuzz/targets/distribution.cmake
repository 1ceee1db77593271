# (c) distribution.yaml: parseDistribution() alone. The rest of the link
# planner is not needed: --gc-sections drops what parseDistribution does not
# reach (findDistribution and its helpers), with their references.
add_executable(fuzz-distribution ${F}/distribution.cpp ${S}/driver/link/distribution.cpp ${S}/driver/store/yaml_fields.cpp
  ${S}/driver/base/fs.cpp ${S}/driver/base/target.cpp ${S}/driver/base/environment.cpp)
target_include_directories(fuzz-distribution PRIVATE ${S}/driver ${S}/plugins)
target_include_directories(fuzz-distribution SYSTEM PRIVATE ${OXCC_LLVM_INCLUDE})
target_compile_options(fuzz-distribution PRIVATE -ffunction-sections -fdata-sections)
target_link_options(fuzz-distribution PRIVATE -Wl,--gc-sections)
target_link_libraries(fuzz-distribution PRIVATE ${YAML_CPP_STATIC}
  ${OXCC_LLVM_LIBDIR}/libLLVMSupport.a ${OXCC_LLVM_LIBDIR}/libLLVMDemangle.a ${ZLIB_LIB} pthread dl)
