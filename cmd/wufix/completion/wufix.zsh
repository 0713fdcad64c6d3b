#compdef wufix
# zsh completion for wufix. Load it with: source <(wufix completion zsh)
# (after compinit). The candidates come from wufix itself (wufix
# __complete), so they follow the commands, flags and the catalog's
# targets of the wufix that runs.

_wufix() {
    local -a found
    # words[2,CURRENT-1] are the words after the command, before the cursor.
    found=("${(@f)$("${words[1]}" __complete "--word=${words[CURRENT]}" "${(@)words[2,CURRENT-1]}" 2>/dev/null)}")
    found=(${found:#})
    if (( ${#found} )); then
        compadd -- "${found[@]}"
    else
        # wufix offers nothing where a folder or a file is expected.
        _files
    fi
}

compdef _wufix wufix
