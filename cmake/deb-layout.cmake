# Run by CPack after it installed the files into its staging folder, before it packs them:
# Debian's zsh reads packages' completions from vendor-completions (not site-functions), and
# Debian's man pages are compressed.
file(GLOB_RECURSE staged_zsh "${CPACK_TEMPORARY_DIRECTORY}/*/share/zsh/site-functions/_pjm")
foreach(file IN LISTS staged_zsh)
  get_filename_component(site_functions "${file}" DIRECTORY)
  get_filename_component(zsh "${site_functions}" DIRECTORY)
  file(MAKE_DIRECTORY "${zsh}/vendor-completions")
  file(RENAME "${file}" "${zsh}/vendor-completions/_pjm")
  file(GLOB left "${site_functions}/*")
  if(NOT left)
    file(REMOVE_RECURSE "${site_functions}")
  endif()
endforeach()
file(GLOB_RECURSE staged_man "${CPACK_TEMPORARY_DIRECTORY}/*/share/man/man1/pjm.1")
foreach(file IN LISTS staged_man)
  execute_process(COMMAND gzip -9n "${file}" COMMAND_ERROR_IS_FATAL ANY)
endforeach()
