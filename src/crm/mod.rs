//! Stage 3: derived views of the Index: accounts, people, meetings, topics, tasks.
//! Each fact keeps its source note.
