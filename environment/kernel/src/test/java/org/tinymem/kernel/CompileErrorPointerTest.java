package org.tinymem.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

class CompileErrorPointerTest {

    @Test
    void underlinesTheOffendingCodeOnItsLine() {
        String source = "int a = 1;\nString s = 42;\n";
        int start = source.indexOf("42");
        assertEquals(List.of("    String s = 42;", "               ^^"),
                TinyMemKernel.pointAt(source, start, start + 2));
    }

    @Test
    void marksAtLeastOneCharacterAndStaysOnTheLine() {
        assertEquals(List.of("    foo();", "    ^"), TinyMemKernel.pointAt("foo();\nbar();", 0, 0));
        assertEquals(List.of("    foo();", "    ^^^^^^"), TinyMemKernel.pointAt("foo();\nbar();", 0, 11));
    }
}
