/* Marks one version requirement (e.g. GLIBCXX_3.4.32) of a 64-bit little-endian ELF shared object
 * as weak (VER_FLG_WEAK), so the dynamic loader only warns instead of refusing to load when the
 * system library lacks that version. Usage: elf_weaken_verneed FILE VERSION
 * Exit 0 when the flag is set (or was already set), 3 when the file does not need VERSION. */
#include <elf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int main(int argc, char **argv) {
    if (argc != 3) { fprintf(stderr, "usage: %s FILE VERSION\n", argv[0]); return 2; }
    FILE *f = fopen(argv[1], "r+b");
    if (!f) { perror(argv[1]); return 1; }
    fseek(f, 0, SEEK_END);
    long size = ftell(f);
    fseek(f, 0, SEEK_SET);
    unsigned char *buf = malloc((size_t)size);
    if (!buf || fread(buf, 1, (size_t)size, f) != (size_t)size) { fprintf(stderr, "%s: read failed\n", argv[1]); return 1; }
    Elf64_Ehdr *eh = (Elf64_Ehdr *)buf;
    if (memcmp(eh->e_ident, ELFMAG, SELFMAG) != 0 || eh->e_ident[EI_CLASS] != ELFCLASS64) {
        fprintf(stderr, "%s: not a 64-bit ELF file\n", argv[1]); return 1;
    }
    Elf64_Shdr *sh = (Elf64_Shdr *)(buf + eh->e_shoff);
    int found = 0;
    for (int i = 0; i < eh->e_shnum; i++) {
        if (sh[i].sh_type != SHT_GNU_verneed) continue;
        const char *strtab = (const char *)(buf + sh[sh[i].sh_link].sh_offset);
        unsigned char *p = buf + sh[i].sh_offset;
        for (unsigned n = 0; n < sh[i].sh_info; n++) {
            Elf64_Verneed *vn = (Elf64_Verneed *)p;
            unsigned char *a = p + vn->vn_aux;
            for (unsigned k = 0; k < vn->vn_cnt; k++) {
                Elf64_Vernaux *aux = (Elf64_Vernaux *)a;
                if (strcmp(strtab + aux->vna_name, argv[2]) == 0) {
                    aux->vna_flags |= VER_FLG_WEAK;
                    long off = (long)(a - buf);
                    fseek(f, off, SEEK_SET);
                    fwrite(aux, sizeof *aux, 1, f);
                    found = 1;
                }
                a += aux->vna_next;
            }
            p += vn->vn_next;
        }
    }
    fclose(f);
    free(buf);
    return found ? 0 : 3;
}
